// SCP/SCU Role Selection for C-GET (PS3.4 C.4.3.2, PS3.7 D.3.3.4): the C-GET SCU receives the
// instances as C-STORE SCP on the same association, a role it must propose for each storage SOP class.
import { buildRole, type SCPSCURoleSelectionNegotiation } from "../../acse/index.js";

/**
 * Role selection items proposing this side (the requestor) as SCP of each of `sopClasses`, the
 * storage SOP classes a C-GET will bring: pass them to `associate(…, { extendedNegotiation })`
 * beside `addRequestedContext()` for each class (pynetdicom: `ext_neg=[build_role(uid,
 * scp_role=True)]`). The acceptor must answer with the SCP role granted (our AE does when its
 * supported context was added with `scpRole` true) for the context to carry C-STOREs to us.
 */
export function retrieveRoles(sopClasses: readonly string[]): SCPSCURoleSelectionNegotiation[] {
  return [...new Set(sopClasses)].map((uid) => buildRole(uid, { scuRole: false, scpRole: true }));
}
