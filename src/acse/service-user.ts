// One side of an association (pynetdicom's ServiceUser): what it proposes or supports before
// negotiation, and what it sent or received (its A-ASSOCIATE primitive) after.
import { IMPLEMENTATION_CLASS_UID } from "../dataset/part10.js";
import type { AAssociateAc, AAssociateRj, AAssociateRq, UserInformation } from "../pdu/index.js";
import { PduType } from "../pdu/index.js";
import { NetdicomError } from "../util/errors.js";
import {
  AsynchronousOperationsWindowNegotiation,
  type ExtendedNegotiationItem,
  fromUserInformation,
  ImplementationClassUIDNotification,
  ImplementationVersionNameNotification,
  isExtendedNegotiationItem,
  MaximumLengthNotification,
  SCPSCURoleSelectionNegotiation,
  SOPClassCommonExtendedNegotiation,
  SOPClassExtendedNegotiation,
  UserIdentityNegotiation,
  type UserInformationItem,
} from "./negotiation-items.js";
import { fromRqItem, PresentationContext } from "./presentation-context.js";

/** pynetdicom's default Maximum Length (bytes) a service user announces. */
export const defaultMaximumLength = 16382;

/** Which side of the association a {@link ServiceUser} stands for. */
export type ServiceUserMode = "requestor" | "acceptor";

/** The A-ASSOCIATE PDU a service user sent or received: RQ for the requestor, AC or RJ for the acceptor. */
export type AssociatePrimitive = AAssociateRq | AAssociateAc | AAssociateRj;

/** The contexts {@link ServiceUser.getContexts} can give. */
export type ContextType = "requested" | "supported" | "pcdl" | "pcdrl";

/** What a {@link ServiceUser} needs to know of the association that owns it. */
export interface ServiceUserOwner {
  /** The local AE requested the association. */
  readonly isRequestor: boolean;
  /** The local AE accepted (is answering) the association. */
  readonly isAcceptor: boolean;
  /** An A-ASSOCIATE-RQ has been sent or received: from then on nothing may change. */
  readonly negotiationStarted: boolean;
  /** The negotiated contexts, used to name the abstract syntax of each `pcdrl` answer. */
  readonly acceptedContexts: readonly PresentationContext[];
  /** The proposed contexts the acceptor refused. */
  readonly rejectedContexts: readonly PresentationContext[];
}

/** The accepted answer to a SOP Class Common Extended Negotiation item. */
export interface AcceptedCommonExtended {
  /** The Service Class UID the SOP class belongs to. */
  readonly serviceClassUid: string;
  /** The Related General SOP Class UIDs (PS3.7 D.3.3.6). */
  readonly relatedGeneralSopClassIdentification: readonly string[];
}

/** A summary of a service user for logs and event handlers. */
export interface ServiceUserInfo {
  /** The AE title. */
  readonly aeTitle: string;
  /** The IP address. */
  readonly address: string;
  /** The port. */
  readonly port: number | undefined;
  /** Requestor or acceptor. */
  readonly mode: ServiceUserMode;
  /** The maximum length, once negotiation has started. */
  readonly pdvSize?: number | undefined;
}

/** Options of a {@link ServiceUser}; both have defaults, as in pynetdicom. */
export interface ServiceUserOptions {
  /** Default 16382 bytes (pynetdicom's default). */
  readonly maximumLength?: number;
  /** Default netdicom's implementation class UID. */
  readonly implementationClassUid?: string;
}

/** A service user changed after negotiation started, or asked for what its mode does not have. */
export class ServiceUserError extends NetdicomError {
  /** "ServiceUserError": the name of this error class. */
  override readonly name = "ServiceUserError";
}

/** The last AE title {@link checkAeTitle} passed, and its trimmed form (a server sets its own for every association). */
let lastAeTitle: { readonly title: string; readonly trimmed: string } | undefined;

// PS3.5 Table 6.2-1 (AE): up to 16 characters, no backslash or control characters, not all spaces.
function checkAeTitle(title: unknown): string {
  const last = lastAeTitle;
  if (last !== undefined && title === last.title) return last.trimmed;
  if (typeof title !== "string") throw new ServiceUserError("ERR_AE_TITLE", "AE title must be a string");
  const trimmed = title.trim();
  if (trimmed.length === 0 || trimmed.length > 16 || !/^[\x20-\x5b\x5d-\x7e]+$/.test(trimmed)) {
    throw new ServiceUserError("ERR_AE_TITLE", `AE title "${title}" is not 1-16 printable characters without "\\"`);
  }
  lastAeTitle = { title, trimmed };
  return trimmed;
}

// The User Information notifications a service user starts with, and the last ones made for a
// value: immutable (frozen), so every service user may hold the same object. Two of them were
// made, and their UIDs and names checked again, for each side of every association.
const defaultMaximumLengthItem = Object.freeze(new MaximumLengthNotification(defaultMaximumLength));
const defaultImplementationClassUidItem = Object.freeze(
  new ImplementationClassUIDNotification(IMPLEMENTATION_CLASS_UID),
);
let lastMaximumLengthItem: MaximumLengthNotification = defaultMaximumLengthItem;
let lastImplementationClassUidItem: ImplementationClassUIDNotification = defaultImplementationClassUidItem;
let lastImplementationVersionNameItem: ImplementationVersionNameNotification | undefined;

function maximumLengthItem(value: number): MaximumLengthNotification {
  if (value !== lastMaximumLengthItem.maximumLengthReceived) {
    lastMaximumLengthItem = Object.freeze(new MaximumLengthNotification(value));
  }
  return lastMaximumLengthItem;
}

function implementationClassUidItem(uid: string): ImplementationClassUIDNotification {
  if (uid !== lastImplementationClassUidItem.implementationClassUid) {
    lastImplementationClassUidItem = Object.freeze(new ImplementationClassUIDNotification(uid));
  }
  return lastImplementationClassUidItem;
}

function implementationVersionNameItem(name: string): ImplementationVersionNameNotification {
  if (name !== lastImplementationVersionNameItem?.implementationVersionName) {
    lastImplementationVersionNameItem = Object.freeze(new ImplementationVersionNameNotification(name));
  }
  return lastImplementationVersionNameItem;
}

const noItems: readonly UserInformationItem[] = Object.freeze([]);

/** The items of each frozen User Information read so far (see {@link itemsOf}). */
const sharedItems = new WeakMap<UserInformation, readonly UserInformationItem[]>();

/**
 * The items of `ui`. A frozen one is a decoded A-ASSOCIATE-RQ's or -AC's that `decodePdu`
 * gives again for the same bytes (one peer asking again and again), or an answer kept by the
 * acceptor: its items are made once, frozen, and shared by every service user that reads it,
 * instead of made (and their UIDs checked) again for each association.
 */
function itemsOf(ui: UserInformation): readonly UserInformationItem[] {
  if (!Object.isFrozen(ui)) return fromUserInformation(ui);
  let items = sharedItems.get(ui);
  if (items === undefined) {
    items = Object.freeze(fromUserInformation(ui).map((item) => Object.freeze(item)));
    sharedItems.set(ui, items);
  }
  return items;
}

/**
 * One side of an association. `mode` is the side it stands for and is independent of the
 * owner's (the local AE may be the requestor while this object describes the peer acceptor).
 * While {@link writeable} (before negotiation starts) its values and negotiation items can be
 * set; afterwards they are read from the A-ASSOCIATE primitive it sent or received, and every
 * setter and item method throws a `ServiceUserError` with code `ERR_NOT_WRITEABLE`.
 */
export class ServiceUser {
  /** The association this service user belongs to. */
  readonly owner: ServiceUserOwner;
  readonly #mode: ServiceUserMode;
  #primitive: AssociatePrimitive | undefined;
  /** The primitive's User Information items, once read. */
  #items: readonly UserInformationItem[] | undefined;
  // The primitive's Maximum Length, kept once read: the sender asks for it with every message and
  // decoding the primitive's user information items each time showed in profiles.
  #maximumLengthOf: AssociatePrimitive | undefined;
  /** The extended negotiation items of the primitive's items `#extendedOf` (see extendedNegotiation). */
  #extendedOf: readonly UserInformationItem[] | undefined;
  #extendedOfPrimitive: ExtendedNegotiationItem[] = [];
  #maximumLengthRead: number | undefined;
  #aeTitle = "";
  #address = "";
  #port: number | undefined;
  /** Where the address and port come from when first read (see {@link setEndpointSource}). */
  #endpoint: (() => { readonly address: string; readonly port: number | undefined }) | undefined;
  /** Never changed in place: a frozen list (a server's supported contexts) is kept as it is, not copied. */
  #contexts: readonly PresentationContext[] = [];
  #maximumLength: MaximumLengthNotification | undefined;
  #implementationClassUid: ImplementationClassUIDNotification | undefined;
  #implementationVersionName: ImplementationVersionNameNotification | undefined;
  #extended: ExtendedNegotiationItem[] = [];
  /** Made when the acceptor accepts some (rarely): most associations never need the map. */
  #acceptedCommonExtended: Map<string, AcceptedCommonExtended> | undefined;

  /** `mode` must be `"requestor"` or `"acceptor"`. */
  constructor(owner: ServiceUserOwner, mode: string, options: ServiceUserOptions = {}) {
    if (mode !== "requestor" && mode !== "acceptor") {
      throw new ServiceUserError("ERR_SERVICE_USER_MODE", `mode must be "requestor" or "acceptor", not "${mode}"`);
    }
    this.owner = owner;
    this.#mode = mode;
    this.#maximumLength = maximumLengthItem(options.maximumLength ?? defaultMaximumLength);
    this.#implementationClassUid = implementationClassUidItem(
      options.implementationClassUid ?? IMPLEMENTATION_CLASS_UID,
    );
  }

  /** `"requestor"` or `"acceptor"`. */
  get mode(): ServiceUserMode {
    return this.#mode;
  }
  /** True when this is the association requestor. */
  get isRequestor(): boolean {
    return this.#mode === "requestor";
  }
  /** True when this is the association acceptor. */
  get isAcceptor(): boolean {
    return this.#mode === "acceptor";
  }

  /** True until negotiation starts (the owner says so, or a primitive is attached). */
  get writeable(): boolean {
    return !this.owner.negotiationStarted && this.#primitive === undefined;
  }

  #mustWrite(what: string): void {
    // `writeable`, inline: every value an association sets on its service users comes through here.
    if (this.#primitive !== undefined || this.owner.negotiationStarted) {
      throw new ServiceUserError("ERR_NOT_WRITEABLE", `can't ${what} after association negotiation has started`);
    }
  }

  /** The A-ASSOCIATE PDU this side sent or received; undefined before negotiation. */
  get primitive(): AssociatePrimitive | undefined {
    return this.#primitive;
  }

  /**
   * Attaches the A-ASSOCIATE PDU this side sent or received (for the association machinery): an
   * RQ for the requestor, whose AE title becomes the calling AE title; an AC or RJ for the acceptor.
   * From then on the service user is read-only and answers from the PDU.
   */
  setPrimitive(pdu: AssociatePrimitive): void {
    const ok = this.isRequestor ? pdu.type === PduType.AAssociateRq : pdu.type !== PduType.AAssociateRq;
    if (!ok) {
      throw new ServiceUserError(
        "ERR_SERVICE_USER_MODE",
        `the ${this.#mode}'s primitive must be ${this.isRequestor ? "an A-ASSOCIATE-RQ" : "an A-ASSOCIATE-AC or -RJ"}`,
      );
    }
    if (pdu.type === PduType.AAssociateRq && pdu.callingAeTitle.trim() !== "")
      this.#aeTitle = pdu.callingAeTitle.trim();
    this.#primitive = pdu;
    this.#items = undefined;
  }

  /** The AE title (1-16 characters; surrounding spaces are not significant and are removed). */
  get aeTitle(): string {
    return this.#aeTitle;
  }
  /** Sets the AE title (1–16 characters); only while `writeable`. */
  set aeTitle(title: string) {
    this.#mustWrite("set the AE title");
    this.#aeTitle = checkAeTitle(title);
  }

  /** The TCP/IP address. */
  get address(): string {
    this.#readEndpoint();
    return this.#address;
  }
  /** Sets the address; only while `writeable`. */
  set address(address: string) {
    this.#mustWrite("set the address");
    if (typeof address !== "string" || address === "") {
      throw new ServiceUserError("ERR_ADDRESS", "address must be a non-empty string");
    }
    this.#readEndpoint();
    this.#address = address;
  }

  /** The TCP port. */
  get port(): number | undefined {
    this.#readEndpoint();
    return this.#port;
  }
  /** Sets the port; only while `writeable`. */
  set port(port: number | undefined) {
    this.#mustWrite("set the port");
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
      throw new ServiceUserError("ERR_PORT", `port ${port} is not an integer between 0 and 65535`);
    }
    this.#readEndpoint();
    this.#port = port;
  }

  /**
   * @internal Sets the address and port from `source`, called when either is first read: the
   * local end of a socket costs a system call (getsockname) that most associations never need.
   * Only while `writeable`; `source` must give a non-empty address and a valid port.
   */
  setEndpointSource(source: () => { readonly address: string; readonly port: number | undefined }): void {
    this.#mustWrite("set the address");
    this.#endpoint = source;
  }

  #readEndpoint(): void {
    const source = this.#endpoint;
    if (source === undefined) return;
    this.#endpoint = undefined;
    const { address, port } = source();
    this.#address = address;
    this.#port = port;
  }

  /** The items of the received or sent primitive, or undefined before there is one. */
  #primitiveItems(): readonly UserInformationItem[] | undefined {
    const p = this.#primitive;
    if (p === undefined) return undefined;
    // Read once per primitive (which never changes): the maximum length is asked for each
    // message sent, the extended items several times during negotiation.
    this.#items ??= p.type === PduType.AAssociateRj ? noItems : itemsOf(p.userInformation);
    return this.#items;
  }

  #find<T>(ctor: abstract new (...args: never[]) => T): T | undefined {
    const items = this.#primitiveItems();
    if (items === undefined) {
      // No primitive yet: the values set on this side, without building the item list.
      const own = [this.#maximumLength, this.#implementationClassUid, this.#implementationVersionName];
      for (const item of own) if (item instanceof ctor) return item;
      for (const item of this.#extended) if (item instanceof ctor) return item;
      return undefined;
    }
    for (const item of items) if (item instanceof ctor) return item;
    return undefined;
  }

  /** The Maximum Length announced (bytes; 0 = no limit); undefined when none (e.g. after a rejection). */
  get maximumLength(): number | undefined {
    const p = this.#primitive;
    // With a primitive, the items are the primitive's (see userInformation), fixed from then on.
    if (p === undefined) return this.#find(MaximumLengthNotification)?.maximumLengthReceived;
    if (this.#maximumLengthOf !== p) {
      this.#maximumLengthRead = this.#find(MaximumLengthNotification)?.maximumLengthReceived;
      this.#maximumLengthOf = p;
    }
    return this.#maximumLengthRead;
  }
  /** Sets the Maximum Length (0: no limit); only while `writeable`. */
  set maximumLength(value: number | undefined) {
    this.#mustWrite("set the maximum length");
    this.#maximumLength = value === undefined ? undefined : maximumLengthItem(value);
  }

  /** The Implementation Class UID; undefined when none (e.g. after a rejection). */
  get implementationClassUid(): string | undefined {
    return this.#find(ImplementationClassUIDNotification)?.implementationClassUid;
  }
  /** Sets the Implementation Class UID; only while `writeable`. */
  set implementationClassUid(value: string | undefined) {
    this.#mustWrite("set the implementation class UID");
    this.#implementationClassUid = value === undefined ? undefined : implementationClassUidItem(value);
  }

  /** The Implementation Version Name, if any. */
  get implementationVersionName(): string | undefined {
    return this.#find(ImplementationVersionNameNotification)?.implementationVersionName;
  }
  /** Sets the Implementation Version Name (at most 16 characters); only while `writeable`. */
  set implementationVersionName(value: string | undefined) {
    this.#mustWrite("set the implementation version name");
    this.#implementationVersionName = value === undefined ? undefined : implementationVersionNameItem(value);
  }

  /** The requestor's proposed contexts (`getContexts("requested")`). */
  get requestedContexts(): PresentationContext[] {
    return this.getContexts("requested");
  }
  /** Sets the requested contexts (requestor only); only while `writeable`. */
  set requestedContexts(contexts: readonly PresentationContext[]) {
    this.#mustWrite("set the requested presentation contexts");
    if (!this.isRequestor) {
      throw new ServiceUserError("ERR_SERVICE_USER_MODE", "requestedContexts can only be set for the requestor");
    }
    this.#contexts = [...contexts];
  }

  /** The acceptor's supported contexts (`getContexts("supported")`). */
  get supportedContexts(): PresentationContext[] {
    return this.getContexts("supported");
  }
  /** Sets the supported contexts (acceptor only); only while `writeable`. */
  set supportedContexts(contexts: readonly PresentationContext[]) {
    this.#mustWrite("set the supported presentation contexts");
    if (!this.isAcceptor) {
      throw new ServiceUserError("ERR_SERVICE_USER_MODE", "supportedContexts can only be set for the acceptor");
    }
    // A server sets its 100-odd supported contexts on every association: the frozen list is shared.
    this.#contexts = Object.isFrozen(contexts) ? contexts : [...contexts];
  }

  /**
   * The contexts of one kind. Requestor: `"requested"`, and `"pcdl"` (the Presentation Context
   * Definition List of its A-ASSOCIATE-RQ) once negotiation has started. Acceptor: `"supported"`,
   * and `"pcdrl"` (the Definition Result List of its A-ASSOCIATE-AC) once negotiation has
   * started. Any other type throws a `ServiceUserError` `ERR_CONTEXT_TYPE` naming the
   * available ones; `pcdl`/`pcdrl` before the primitive is attached throw `ERR_CONTEXTS_UNAVAILABLE`.
   */
  getContexts(type: ContextType): PresentationContext[] {
    const available: ContextType[] = this.isRequestor ? ["requested"] : ["supported"];
    if (!this.writeable) available.push(this.isRequestor ? "pcdl" : "pcdrl");
    if (!available.includes(type)) {
      const state = this.writeable ? "before negotiation" : "after negotiation has started";
      throw new ServiceUserError(
        "ERR_CONTEXT_TYPE",
        `"${type}" contexts are not available for the ${this.#mode} ${state}; use ${available.map((t) => `"${t}"`).join(" or ")}`,
      );
    }
    if (type === "requested") return [...this.#contexts];
    // An acceptor's supported contexts may be shared by every association of its server (see
    // AE.acceptorContexts): copies, so that changing one changes nothing else.
    if (type === "supported") return this.#contexts.map((cx) => cx.with({}));
    const p = this.#primitive;
    if (p === undefined) {
      throw new ServiceUserError("ERR_CONTEXTS_UNAVAILABLE", `"${type}" is not known until the A-ASSOCIATE PDU is`);
    }
    if (p.type === PduType.AAssociateRj) return [];
    if (p.type === PduType.AAssociateRq) {
      // The role items come from the request's role selections: none sent, none to look up.
      const roles = p.userInformation.roleSelections?.length ? this.roleSelection : undefined;
      return p.presentationContexts.map((item) => {
        const cx = fromRqItem(item);
        const role = roles?.get(item.abstractSyntax);
        if (role) {
          cx.scuRole = role.scuRole;
          cx.scpRole = role.scpRole;
        }
        return cx;
      });
    }
    const known = new Map<number | undefined, PresentationContext>();
    for (const cx of [...this.owner.acceptedContexts, ...this.owner.rejectedContexts]) known.set(cx.contextId, cx);
    return p.presentationContexts.map((item) =>
      PresentationContext.fromPeer(
        item.contextId,
        known.get(item.contextId)?.abstractSyntax ?? "",
        item.transferSyntax === "" ? [] : [item.transferSyntax],
      ).with({ result: item.result }),
    );
  }

  /**
   * The extended negotiation items: role selection, asynchronous operations window, user
   * identity, SOP class extended and (requestor only) common extended. Before negotiation, the
   * ones added; after, the ones in the primitive.
   */
  get extendedNegotiation(): ExtendedNegotiationItem[] {
    const items = this.writeable ? undefined : this.#primitiveItems();
    if (items === undefined) return [...this.#extended];
    // Picked once per primitive (asked several times during negotiation); a copy each time.
    if (this.#extendedOf !== items) {
      this.#extendedOfPrimitive = items.filter(isExtendedNegotiationItem);
      this.#extendedOf = items;
    }
    return [...this.#extendedOfPrimitive];
  }

  /** Every User Information item: maximum length, implementation UID and version name, then the extended ones. */
  get userInformation(): UserInformationItem[] {
    const items = this.writeable ? undefined : this.#primitiveItems();
    if (items !== undefined) return [...items];
    const own: UserInformationItem[] = [];
    if (this.#maximumLength) own.push(this.#maximumLength);
    if (this.#implementationClassUid) own.push(this.#implementationClassUid);
    if (this.#implementationVersionName) own.push(this.#implementationVersionName);
    return [...own, ...this.#extended];
  }

  /** The SCP/SCU Role Selection items by SOP class UID. */
  get roleSelection(): ReadonlyMap<string, SCPSCURoleSelectionNegotiation> {
    const out = new Map<string, SCPSCURoleSelectionNegotiation>();
    for (const item of this.extendedNegotiation) {
      if (item instanceof SCPSCURoleSelectionNegotiation) out.set(item.sopClassUid, item);
    }
    return out;
  }

  /** The SOP Class Extended Negotiation application information by SOP class UID. */
  get sopClassExtended(): ReadonlyMap<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const item of this.extendedNegotiation) {
      if (item instanceof SOPClassExtendedNegotiation)
        out.set(item.sopClassUid, item.serviceClassApplicationInformation);
    }
    return out;
  }

  /** The SOP Class Common Extended Negotiation items by SOP class UID; always empty for the acceptor (PS3.7 D.3.3.6). */
  get sopClassCommonExtended(): ReadonlyMap<string, SOPClassCommonExtendedNegotiation> {
    const out = new Map<string, SOPClassCommonExtendedNegotiation>();
    if (this.isAcceptor) return out;
    for (const item of this.extendedNegotiation) {
      if (item instanceof SOPClassCommonExtendedNegotiation) out.set(item.sopClassUid, item);
    }
    return out;
  }

  /** Acceptor only: the common extended items it accepted, by SOP class UID. */
  get acceptedCommonExtended(): ReadonlyMap<string, AcceptedCommonExtended> {
    if (!this.isAcceptor) {
      throw new ServiceUserError("ERR_SERVICE_USER_MODE", "acceptedCommonExtended is only available for the acceptor");
    }
    return new Map(this.#acceptedCommonExtended ?? []);
  }

  /**
   * Acceptor only, for the association machinery: records the common extended items accepted
   * (they are not sent back, PS3.7 D.3.3.6, so they live here rather than in the primitive).
   */
  setAcceptedCommonExtended(items: readonly SOPClassCommonExtendedNegotiation[]): void {
    if (!this.isAcceptor) {
      throw new ServiceUserError("ERR_SERVICE_USER_MODE", "acceptedCommonExtended is only available for the acceptor");
    }
    this.#acceptedCommonExtended = new Map(
      items.map((i) => [
        i.sopClassUid,
        {
          serviceClassUid: i.serviceClassUid,
          relatedGeneralSopClassIdentification: i.relatedGeneralSopClassIdentification,
        },
      ]),
    );
  }

  /** `[maximum operations invoked, maximum operations performed]`; `[1, 1]` when not negotiated. */
  get asynchronousOperations(): readonly [number, number] {
    for (const item of this.extendedNegotiation) {
      if (item instanceof AsynchronousOperationsWindowNegotiation) {
        return [item.maximumNumberOperationsInvoked, item.maximumNumberOperationsPerformed];
      }
    }
    return [1, 1];
  }

  /** The User Identity Negotiation item, if any. */
  get userIdentity(): UserIdentityNegotiation | undefined {
    for (const item of this.extendedNegotiation) if (item instanceof UserIdentityNegotiation) return item;
    return undefined;
  }

  /** AE title, address, port and mode; with the maximum length once negotiation has started. */
  get info(): ServiceUserInfo {
    const base = { aeTitle: this.aeTitle, address: this.address, port: this.port, mode: this.mode };
    return this.writeable ? base : { ...base, pdvSize: this.maximumLength };
  }

  /**
   * Adds an extended negotiation item. The same object twice is kept once; an item of a kind
   * that is single-valued (asynchronous operations window, user identity) or that names a SOP
   * class already named by an item of its kind replaces that item in place. Throws
   * `ERR_NOT_WRITEABLE` after negotiation starts and `ERR_NEGOTIATION_ITEM` for anything that is
   * not one of the five extended negotiation classes, or a common extended item for the acceptor.
   */
  addNegotiationItem(item: ExtendedNegotiationItem): void {
    this.#mustWrite("add extended negotiation items");
    this.#checkItem(item);
    if (this.#extended.includes(item)) return;
    const at = this.#extended.findIndex((old) => sameSlot(old, item));
    if (at >= 0) this.#extended[at] = item;
    else this.#extended.push(item);
  }

  /** Removes an extended negotiation item (by identity); one not present is ignored. Throws as {@link addNegotiationItem}. */
  removeNegotiationItem(item: ExtendedNegotiationItem): void {
    this.#mustWrite("remove extended negotiation items");
    this.#checkItem(item);
    this.#extended = this.#extended.filter((x) => x !== item);
  }

  /** Removes every extended negotiation item; throws `ERR_NOT_WRITEABLE` after negotiation starts. */
  resetNegotiationItems(): void {
    this.#mustWrite("reset the extended negotiation items");
    this.#extended = [];
  }

  #checkItem(item: unknown): void {
    if (!isExtendedNegotiationItem(item)) {
      throw new ServiceUserError("ERR_NEGOTIATION_ITEM", "item is not an extended negotiation item");
    }
    if (item instanceof SOPClassCommonExtendedNegotiation && this.isAcceptor) {
      // PS3.7 D.3.3.6: the acceptor sends no common extended negotiation item.
      throw new ServiceUserError("ERR_NEGOTIATION_ITEM", "the acceptor has no SOP class common extended items");
    }
  }

  /**
   * What is missing before negotiation may start, empty when valid. The side the local AE plays
   * needs AE title, address and port, maximum length and implementation class UID, and the
   * requestor at least one requested context; the peer's side needs AE title, address and port.
   */
  missing(): string[] {
    const out: string[] = [];
    if (this.#aeTitle === "") out.push("aeTitle");
    if (this.#endpoint === undefined) {
      if (this.#address === "") out.push("address");
      if (this.#port === undefined) out.push("port");
    }
    const local = this.isRequestor ? this.owner.isRequestor : this.owner.isAcceptor;
    if (local) {
      if (this.maximumLength === undefined) out.push("maximumLength");
      if (this.implementationClassUid === undefined) out.push("implementationClassUid");
      if (this.isRequestor && this.#contexts.length === 0) out.push("requestedContexts");
    }
    return out;
  }

  /** True when {@link missing} finds nothing. */
  get isValid(): boolean {
    return this.missing().length === 0;
  }
}

function sameSlot(a: ExtendedNegotiationItem, b: ExtendedNegotiationItem): boolean {
  if (a.constructor !== b.constructor) return false;
  if (a instanceof AsynchronousOperationsWindowNegotiation || a instanceof UserIdentityNegotiation) return true;
  return "sopClassUid" in a && "sopClassUid" in b && a.sopClassUid === b.sopClassUid;
}
