// New UIDs for instances this side creates (an N-CREATE the SCU left unnamed, PS3.7 10.1.5.1.4).
import { crypto } from "../../util/builtins.js";

/**
 * A fresh UID under the 2.25 root, from a random UUID as one decimal integer (PS3.5 B.2): at
 * most 44 characters, no registration needed.
 */
export function generateUid(): string {
  return `2.25.${BigInt(`0x${crypto().randomUUID().replaceAll("-", "")}`).toString()}`;
}
