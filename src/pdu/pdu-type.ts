// PS3.8 9.3.1: the PDU type is the first byte of every PDU.

/** The seven PDU types of the DICOM upper layer (PS3.8 Table 9-11). */
export const PduType = {
  AAssociateRq: 0x01,
  AAssociateAc: 0x02,
  AAssociateRj: 0x03,
  PDataTf: 0x04,
  AReleaseRq: 0x05,
  AReleaseRp: 0x06,
  AAbort: 0x07,
} as const;

/** One of the seven PDU type codes. */
export type PduType = (typeof PduType)[keyof typeof PduType];

/** Item types of the A-ASSOCIATE-RQ/AC variable items and their sub-items (PS3.8 9.3.2, PS3.7 Annex D.3.3). */
export const ItemType = {
  ApplicationContext: 0x10,
  PresentationContextRq: 0x20,
  PresentationContextAc: 0x21,
  AbstractSyntax: 0x30,
  TransferSyntax: 0x40,
  UserInformation: 0x50,
  MaximumLength: 0x51,
  ImplementationClassUid: 0x52,
  AsynchronousOperationsWindow: 0x53,
  RoleSelection: 0x54,
  ImplementationVersionName: 0x55,
  SopClassExtendedNegotiation: 0x56,
  SopClassCommonExtendedNegotiation: 0x57,
  UserIdentityRq: 0x58,
  UserIdentityAc: 0x59,
} as const;

/** One of the known item type codes. */
export type ItemType = (typeof ItemType)[keyof typeof ItemType];

/** The readable name of a PDU type, or `unknown PDU type 0xNN`. */
export function pduTypeName(type: number): string {
  switch (type) {
    case PduType.AAssociateRq:
      return "A-ASSOCIATE-RQ";
    case PduType.AAssociateAc:
      return "A-ASSOCIATE-AC";
    case PduType.AAssociateRj:
      return "A-ASSOCIATE-RJ";
    case PduType.PDataTf:
      return "P-DATA-TF";
    case PduType.AReleaseRq:
      return "A-RELEASE-RQ";
    case PduType.AReleaseRp:
      return "A-RELEASE-RP";
    case PduType.AAbort:
      return "A-ABORT";
    default:
      return `unknown PDU type 0x${type.toString(16).padStart(2, "0")}`;
  }
}
