// PS3.7 Annex D.3.3 and PS3.8 Annex D: the User Information sub-items as objects a user adds to
// a ServiceUser (pynetdicom's pdu_primitives), and their mapping to and from src/pdu's items.
import type { UserIdentityRqItem, UserInformation } from "../pdu/index.js";
import { checkUid, NegotiationValueError } from "./uid.js";

const encoder = new TextEncoder();

function toBytes(value: Uint8Array | string, what: string): Uint8Array {
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  throw new NegotiationValueError(`${what} must be a Uint8Array or a string`);
}

function checkU16(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new NegotiationValueError(`${what} ${value} is not an integer between 0 and 65535`);
  }
  return value;
}

function checkBool(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new NegotiationValueError(`${what} must be a boolean, got ${typeof value}`);
  return value;
}

/** PS3.8 D.1: Maximum Length Notification (0x51), the largest P-DATA-TF body the sender accepts; 0 = no limit. */
export class MaximumLengthNotification {
  /** The largest P-DATA-TF PDU this side accepts, in bytes (0: no limit; PS3.8 D.1). */
  readonly maximumLengthReceived: number;
  /** Throws unless `maximumLengthReceived` fits an unsigned 32-bit field. */
  constructor(maximumLengthReceived: number) {
    if (!Number.isInteger(maximumLengthReceived) || maximumLengthReceived < 0 || maximumLengthReceived > 0xffffffff) {
      throw new NegotiationValueError(`maximum length ${maximumLengthReceived} is not an unsigned 32-bit integer`);
    }
    this.maximumLengthReceived = maximumLengthReceived;
  }
}

/** PS3.7 D.3.3.2: Implementation Class UID Notification (0x52). */
export class ImplementationClassUIDNotification {
  /** The Implementation Class UID (PS3.7 D.3.3.2). */
  readonly implementationClassUid: string;
  /** Throws unless `uid` is a valid UID. */
  constructor(uid: string) {
    this.implementationClassUid = checkUid(uid, "implementation class UID");
  }
}

/** PS3.7 D.3.3.2: Implementation Version Name Notification (0x55), 1–16 characters. */
export class ImplementationVersionNameNotification {
  /** The Implementation Version Name: 1-16 characters (PS3.7 D.3.3.2). */
  readonly implementationVersionName: string;
  /** Throws unless `name` is 1–16 printable ASCII characters without a backslash (PS3.5 6.2, SH). */
  constructor(name: string) {
    if (typeof name !== "string" || name.length < 1 || name.length > 16 || !/^[\x20-\x5b\x5d-\x7e]+$/.test(name)) {
      throw new NegotiationValueError(`implementation version name "${name}" is not 1-16 printable characters`);
    }
    this.implementationVersionName = name;
  }
}

/** PS3.7 D.3.3.3: Asynchronous Operations Window Negotiation (0x53); 0 means unlimited, 1 is the default. */
export class AsynchronousOperationsWindowNegotiation {
  /** Maximum Number Operations Invoked (0: unlimited). */
  readonly maximumNumberOperationsInvoked: number;
  /** Maximum Number Operations Performed (0: unlimited). */
  readonly maximumNumberOperationsPerformed: number;
  /** Both numbers are 0–65535. */
  constructor(maximumNumberOperationsInvoked = 1, maximumNumberOperationsPerformed = 1) {
    this.maximumNumberOperationsInvoked = checkU16(
      maximumNumberOperationsInvoked,
      "maximum number of operations invoked",
    );
    this.maximumNumberOperationsPerformed = checkU16(
      maximumNumberOperationsPerformed,
      "maximum number of operations performed",
    );
  }
}

/**
 * PS3.7 D.3.3.4: SCP/SCU Role Selection Negotiation (0x54). In a request, the roles proposed for
 * the requestor; in an answer, whether each proposed role is accepted.
 */
export class SCPSCURoleSelectionNegotiation {
  /** The SOP class the roles are for. */
  readonly sopClassUid: string;
  /** The requestor may act as SCU. */
  readonly scuRole: boolean;
  /** The requestor may act as SCP. */
  readonly scpRole: boolean;
  /** Roles default to false, as in pynetdicom's `build_role`. */
  constructor(sopClassUid: string, roles: { readonly scuRole?: boolean; readonly scpRole?: boolean } = {}) {
    this.sopClassUid = checkUid(sopClassUid, "role selection SOP class UID");
    this.scuRole = checkBool(roles.scuRole ?? false, "scuRole");
    this.scpRole = checkBool(roles.scpRole ?? false, "scpRole");
  }
}

/** PS3.7 D.3.3.5: SOP Class Extended Negotiation (0x56): service-class-specific bytes for one SOP class. */
export class SOPClassExtendedNegotiation {
  /** The SOP class the information is for. */
  readonly sopClassUid: string;
  /** Service-class-specific bytes (e.g. PS3.4 C.5 for Query/Retrieve). */
  readonly serviceClassApplicationInformation: Uint8Array;
  /** The information must fit the sub-item's 16-bit length with the UID. */
  constructor(sopClassUid: string, serviceClassApplicationInformation: Uint8Array) {
    this.sopClassUid = checkUid(sopClassUid, "SOP class extended negotiation SOP class UID");
    if (!(serviceClassApplicationInformation instanceof Uint8Array)) {
      throw new NegotiationValueError("service class application information must be a Uint8Array");
    }
    if (2 + this.sopClassUid.length + serviceClassApplicationInformation.byteLength > 0xffff) {
      throw new NegotiationValueError("service class application information does not fit a sub-item");
    }
    this.serviceClassApplicationInformation = serviceClassApplicationInformation;
  }
}

/** PS3.7 D.3.3.6: SOP Class Common Extended Negotiation (0x57), request only. */
export class SOPClassCommonExtendedNegotiation {
  /** The SOP class the item describes. */
  readonly sopClassUid: string;
  /** The service class it belongs to. */
  readonly serviceClassUid: string;
  /** Related general SOP classes (PS3.7 D.3.3.6). */
  readonly relatedGeneralSopClassIdentification: readonly string[];
  /** Every UID is validated. */
  constructor(
    sopClassUid: string,
    serviceClassUid: string,
    relatedGeneralSopClassIdentification: readonly string[] = [],
  ) {
    this.sopClassUid = checkUid(sopClassUid, "common extended negotiation SOP class UID");
    this.serviceClassUid = checkUid(serviceClassUid, "common extended negotiation service class UID");
    this.relatedGeneralSopClassIdentification = Object.freeze(
      relatedGeneralSopClassIdentification.map((u) => checkUid(u, "related general SOP class UID")),
    );
  }
}

/** The values of a {@link UserIdentityNegotiation}; strings are encoded as UTF-8. */
export interface UserIdentityInit {
  /** 1 username, 2 username and passcode, 3 Kerberos, 4 SAML, 5 JWT (PS3.7 Table D.3-14). Request only. */
  readonly userIdentityType?: 1 | 2 | 3 | 4 | 5;
  /** The username, Kerberos ticket, SAML assertion or JWT (a string is encoded as UTF-8). Request only. */
  readonly primaryField?: Uint8Array | string;
  /** The passcode; type 2 only. */
  readonly secondaryField?: Uint8Array | string;
  /** Whether the requestor wants the acceptor's answer (PS3.7 D.3.3.7.1). Request only. */
  readonly positiveResponseRequested?: boolean;
  /** The acceptor's answer (PS3.7 Table D.3-15). Answer only. */
  readonly serverResponse?: Uint8Array | string;
}

/**
 * PS3.7 D.3.3.7: User Identity Negotiation: the request (0x58) carries the type and fields, the
 * answer (0x59) the server response. One class for both, as in pynetdicom.
 */
export class UserIdentityNegotiation {
  /** 1 username, 2 username and passcode, 3 Kerberos, 4 SAML, 5 JWT; undefined in an answer. */
  readonly userIdentityType: 1 | 2 | 3 | 4 | 5 | undefined;
  /** The username, ticket, assertion or token. */
  readonly primaryField: Uint8Array;
  /** The passcode (type 2), else empty. */
  readonly secondaryField: Uint8Array;
  /** Whether the requestor asks for a User Identity answer in the A-ASSOCIATE-AC. */
  readonly positiveResponseRequested: boolean;
  /** The acceptor's answer (types 3–5), in an answer item. */
  readonly serverResponse: Uint8Array | undefined;
  /** Checks what can be checked for either direction; `toUserInformation` checks the rest. */
  constructor(init: UserIdentityInit) {
    const type = init.userIdentityType;
    if (type !== undefined && !(Number.isInteger(type) && type >= 1 && type <= 5)) {
      throw new NegotiationValueError(`user identity type ${type} is not 1-5`);
    }
    this.userIdentityType = type;
    this.primaryField = toBytes(init.primaryField ?? new Uint8Array(0), "user identity primary field");
    this.secondaryField = toBytes(init.secondaryField ?? new Uint8Array(0), "user identity secondary field");
    this.positiveResponseRequested = checkBool(init.positiveResponseRequested ?? false, "positiveResponseRequested");
    this.serverResponse =
      init.serverResponse === undefined ? undefined : toBytes(init.serverResponse, "user identity server response");
    for (const [field, what] of [
      [this.primaryField, "primary field"],
      [this.secondaryField, "secondary field"],
      [this.serverResponse, "server response"],
    ] as const) {
      if (field && field.byteLength > 0xffff)
        throw new NegotiationValueError(`user identity ${what} is over 65535 bytes`);
    }
  }

  /** The request sub-item; throws when the type or a required field is missing (PS3.7 D.3.3.7.1). */
  toRqItem(): UserIdentityRqItem {
    const type = this.userIdentityType;
    if (type === undefined) throw new NegotiationValueError("user identity request has no identity type");
    if (this.primaryField.byteLength === 0)
      throw new NegotiationValueError("user identity request has no primary field");
    if (type === 2 && this.secondaryField.byteLength === 0) {
      throw new NegotiationValueError("user identity type 2 (username and passcode) needs a secondary field");
    }
    return {
      identityType: type,
      positiveResponseRequested: this.positiveResponseRequested,
      primaryField: this.primaryField,
      // PS3.7 Table D.3-14: the secondary field is only for type 2; others send it empty.
      secondaryField: type === 2 ? this.secondaryField : new Uint8Array(0),
    };
  }
}

/** The sub-items a user adds with `addNegotiationItem` (extended negotiation). */
export type ExtendedNegotiationItem =
  | SCPSCURoleSelectionNegotiation
  | AsynchronousOperationsWindowNegotiation
  | UserIdentityNegotiation
  | SOPClassExtendedNegotiation
  | SOPClassCommonExtendedNegotiation;

/** Every User Information sub-item this layer knows. */
export type UserInformationItem =
  | MaximumLengthNotification
  | ImplementationClassUIDNotification
  | ImplementationVersionNameNotification
  | ExtendedNegotiationItem;

/** True for an instance of one of the five extended negotiation classes. */
export function isExtendedNegotiationItem(item: unknown): item is ExtendedNegotiationItem {
  return (
    item instanceof SCPSCURoleSelectionNegotiation ||
    item instanceof AsynchronousOperationsWindowNegotiation ||
    item instanceof UserIdentityNegotiation ||
    item instanceof SOPClassExtendedNegotiation ||
    item instanceof SOPClassCommonExtendedNegotiation
  );
}

/**
 * The User Information of an A-ASSOCIATE-RQ (`"rq"`) or -AC (`"ac"`) holding `items`. Throws
 * when a single-valued sub-item appears twice, when two items name the same SOP class, when a
 * user identity lacks what its direction needs, or for a common extended item in an answer
 * (PS3.7 D.3.3.6: request only).
 */
export function toUserInformation(items: readonly UserInformationItem[], direction: "rq" | "ac"): UserInformation {
  const out: {
    maximumLength?: number;
    implementationClassUid?: string;
    implementationVersionName?: string;
    asynchronousOperationsWindow?: { maxOperationsInvoked: number; maxOperationsPerformed: number };
    roleSelections?: { sopClassUid: string; scuRole: boolean; scpRole: boolean }[];
    sopClassExtendedNegotiations?: { sopClassUid: string; applicationInformation: Uint8Array }[];
    sopClassCommonExtendedNegotiations?: {
      sopClassUid: string;
      serviceClassUid: string;
      relatedGeneralSopClassUids: readonly string[];
    }[];
    userIdentityRq?: UserIdentityRqItem;
    userIdentityAc?: { serverResponse: Uint8Array };
  } = {};
  const once = (key: keyof typeof out, what: string): void => {
    if (out[key] !== undefined) throw new NegotiationValueError(`more than one ${what} item`);
  };
  const uniqueSop = (list: readonly { sopClassUid: string }[] | undefined, uid: string, what: string): void => {
    if (list?.some((x) => x.sopClassUid === uid)) {
      throw new NegotiationValueError(`more than one ${what} item for SOP class ${uid}`);
    }
  };
  for (const item of items) {
    if (item instanceof MaximumLengthNotification) {
      once("maximumLength", "maximum length");
      out.maximumLength = item.maximumLengthReceived;
    } else if (item instanceof ImplementationClassUIDNotification) {
      once("implementationClassUid", "implementation class UID");
      out.implementationClassUid = item.implementationClassUid;
    } else if (item instanceof ImplementationVersionNameNotification) {
      once("implementationVersionName", "implementation version name");
      out.implementationVersionName = item.implementationVersionName;
    } else if (item instanceof AsynchronousOperationsWindowNegotiation) {
      once("asynchronousOperationsWindow", "asynchronous operations window");
      out.asynchronousOperationsWindow = {
        maxOperationsInvoked: item.maximumNumberOperationsInvoked,
        maxOperationsPerformed: item.maximumNumberOperationsPerformed,
      };
    } else if (item instanceof SCPSCURoleSelectionNegotiation) {
      // PS3.7 D.3.3.4: at most one role selection item per SOP class.
      uniqueSop(out.roleSelections, item.sopClassUid, "role selection");
      (out.roleSelections ??= []).push({ sopClassUid: item.sopClassUid, scuRole: item.scuRole, scpRole: item.scpRole });
    } else if (item instanceof SOPClassExtendedNegotiation) {
      uniqueSop(out.sopClassExtendedNegotiations, item.sopClassUid, "SOP class extended negotiation");
      (out.sopClassExtendedNegotiations ??= []).push({
        sopClassUid: item.sopClassUid,
        applicationInformation: item.serviceClassApplicationInformation,
      });
    } else if (item instanceof SOPClassCommonExtendedNegotiation) {
      if (direction === "ac") {
        throw new NegotiationValueError("SOP class common extended negotiation is not sent in an A-ASSOCIATE-AC");
      }
      uniqueSop(out.sopClassCommonExtendedNegotiations, item.sopClassUid, "SOP class common extended negotiation");
      (out.sopClassCommonExtendedNegotiations ??= []).push({
        sopClassUid: item.sopClassUid,
        serviceClassUid: item.serviceClassUid,
        relatedGeneralSopClassUids: item.relatedGeneralSopClassIdentification,
      });
    } else if (item instanceof UserIdentityNegotiation) {
      if (direction === "rq") {
        once("userIdentityRq", "user identity");
        out.userIdentityRq = item.toRqItem();
      } else {
        once("userIdentityAc", "user identity");
        if (item.serverResponse === undefined) {
          throw new NegotiationValueError("a user identity answer needs a server response");
        }
        out.userIdentityAc = { serverResponse: item.serverResponse };
      }
    } else {
      throw new NegotiationValueError(`not a user information item: ${String(item)}`);
    }
  }
  return out;
}

/**
 * The items of a received User Information, in sub-item type order. Sub-items of unknown type
 * are left out (kept in the PDU for logs). Values the peer sent out of rule (an invalid UID) are
 * dropped with the item rather than thrown on, so one odd item cannot break a negotiation.
 */
export function fromUserInformation(ui: UserInformation): UserInformationItem[] {
  const items: UserInformationItem[] = [];
  const keep = (make: () => UserInformationItem): void => {
    try {
      items.push(make());
    } catch (err) {
      if (!(err instanceof NegotiationValueError)) throw err;
    }
  };
  if (ui.maximumLength !== undefined) keep(() => new MaximumLengthNotification(ui.maximumLength ?? 0));
  if (ui.implementationClassUid !== undefined) {
    keep(() => new ImplementationClassUIDNotification(ui.implementationClassUid ?? ""));
  }
  const aow = ui.asynchronousOperationsWindow;
  if (aow) {
    keep(() => new AsynchronousOperationsWindowNegotiation(aow.maxOperationsInvoked, aow.maxOperationsPerformed));
  }
  for (const r of ui.roleSelections ?? []) {
    keep(() => new SCPSCURoleSelectionNegotiation(r.sopClassUid, { scuRole: r.scuRole, scpRole: r.scpRole }));
  }
  if (ui.implementationVersionName !== undefined) {
    keep(() => new ImplementationVersionNameNotification(ui.implementationVersionName ?? ""));
  }
  for (const e of ui.sopClassExtendedNegotiations ?? []) {
    keep(() => new SOPClassExtendedNegotiation(e.sopClassUid, e.applicationInformation));
  }
  for (const c of ui.sopClassCommonExtendedNegotiations ?? []) {
    keep(() => new SOPClassCommonExtendedNegotiation(c.sopClassUid, c.serviceClassUid, c.relatedGeneralSopClassUids));
  }
  const rq = ui.userIdentityRq;
  if (rq) {
    keep(
      () =>
        new UserIdentityNegotiation({
          userIdentityType: rq.identityType,
          primaryField: rq.primaryField,
          secondaryField: rq.secondaryField,
          positiveResponseRequested: rq.positiveResponseRequested,
        }),
    );
  }
  const ac = ui.userIdentityAc;
  if (ac) keep(() => new UserIdentityNegotiation({ serverResponse: ac.serverResponse }));
  return items;
}
