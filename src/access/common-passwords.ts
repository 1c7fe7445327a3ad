/**
 * The most common passwords (docs/dashboard.md#people): the ranked list zxcvbn-ts keeps
 * (`passwords-common` of @zxcvbn-ts/language-common, from leaked-password corpora),
 * loaded into a set on first use. A password is common when it, lower-cased, is on it.
 */
import { dictionary } from '@zxcvbn-ts/language-common';

let common: Set<string> | undefined;

export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));
  return common.has(password.toLowerCase());
}
