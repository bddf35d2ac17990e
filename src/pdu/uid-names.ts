// The handful of UIDs that appear in nearly every association, named for readable logs. The full
// registry lives in src/dataset; this stays local so the PDU logs need nothing generated.

const names: ReadonlyMap<string, string> = new Map([
  ["1.2.840.10008.3.1.1.1", "DICOM Application Context Name"],
  ["1.2.840.10008.1.1", "Verification SOP Class"],
  ["1.2.840.10008.1.2", "Implicit VR Little Endian"],
  ["1.2.840.10008.1.2.1", "Explicit VR Little Endian"],
  ["1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"],
  ["1.2.840.10008.1.2.2", "Explicit VR Big Endian"],
]);

/** `=Name` for a well-known UID (pynetdicom's log convention), else the UID itself. */
export function uidName(uid: string): string {
  const name = names.get(uid);
  return name === undefined ? uid : `=${name}`;
}
