/** The five components of one person name component group (PS3.5 6.2.1). */
export interface PersonNameComponents {
  /** The family name complex. */
  readonly familyName: string;
  /** The given name complex. */
  readonly givenName: string;
  /** The middle name. */
  readonly middleName: string;
  /** The name prefix (title). */
  readonly namePrefix: string;
  /** The name suffix. */
  readonly nameSuffix: string;
}

function components(group: string): PersonNameComponents {
  const [familyName = "", givenName = "", middleName = "", namePrefix = "", nameSuffix = ""] = group.split("^");
  return { familyName, givenName, middleName, namePrefix, nameSuffix };
}

/**
 * A PN value: up to three component groups — alphabetic, ideographic and phonetic, separated
 * by `=` — each of up to five components separated by `^` (PS3.5 6.2.1.1).
 */
export class PersonName {
  /** The alphabetic group (`Family^Given^Middle^Prefix^Suffix`). */
  readonly alphabetic: string;
  /** The ideographic group (may be empty). */
  readonly ideographic: string;
  /** The phonetic group (may be empty). */
  readonly phonetic: string;

  constructor(value: string | { alphabetic?: string; ideographic?: string; phonetic?: string }) {
    if (typeof value === "string") {
      const [a = "", i = "", p = ""] = value.split("=");
      this.alphabetic = a;
      this.ideographic = i;
      this.phonetic = p;
    } else {
      this.alphabetic = value.alphabetic ?? "";
      this.ideographic = value.ideographic ?? "";
      this.phonetic = value.phonetic ?? "";
    }
  }

  /** The components of the alphabetic group. */
  get components(): PersonNameComponents {
    return components(this.alphabetic);
  }

  /** The family name of the alphabetic group. */
  get familyName(): string {
    return this.components.familyName;
  }

  /** The given name of the alphabetic group. */
  get givenName(): string {
    return this.components.givenName;
  }

  /** Components of the ideographic group. */
  get ideographicComponents(): PersonNameComponents {
    return components(this.ideographic);
  }

  /** Components of the phonetic group. */
  get phoneticComponents(): PersonNameComponents {
    return components(this.phonetic);
  }

  /** The encoded form, trailing empty groups dropped: `Yamada^Tarou=山田^太郎=やまだ^たろう`. */
  toString(): string {
    if (this.phonetic) return `${this.alphabetic}=${this.ideographic}=${this.phonetic}`;
    if (this.ideographic) return `${this.alphabetic}=${this.ideographic}`;
    return this.alphabetic;
  }

  /** The DICOM JSON form of the name (PS3.18 F.2.2). */
  toJSON(): {
    /** The alphabetic group. */
    Alphabetic?: string;
    /** The ideographic group. */
    Ideographic?: string;
    /** The phonetic group. */
    Phonetic?: string;
  } {
    const out: { Alphabetic?: string; Ideographic?: string; Phonetic?: string } = {};
    if (this.alphabetic) out.Alphabetic = this.alphabetic;
    if (this.ideographic) out.Ideographic = this.ideographic;
    if (this.phonetic) out.Phonetic = this.phonetic;
    return out;
  }
}
