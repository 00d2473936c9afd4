import { ErrorCodes } from '../errors/codes.ts';
import { TRUSTED_MODES, type TrustedDocumentsConfig, type TrustedMode } from '../trusted/trusted-documents.ts';
import { checkKeys, describe, readMapping, readOneOf, report, type Checker } from './shape-checker.ts';

const KEYS = ['mode', 'manifests', 'callers'];

/** gateway.yaml's `trustedDocuments:`: `{ mode: enforce, manifests: [persisted.json], callers: { internal: allow-unlisted } }`. */
export function readTrustedDocuments(c: Checker, value: unknown, callerId: RegExp): TrustedDocumentsConfig | undefined {
  if (value === undefined) return undefined;
  const section = readMapping(c, value, ['trustedDocuments'], `a mapping with any of the keys ${KEYS.join(', ')}`);
  if (!section) return undefined;
  checkKeys(c, section, ['trustedDocuments'], KEYS);
  const out: TrustedDocumentsConfig = { mode: 'off', manifests: [], callers: {} };
  if (section.mode !== undefined) out.mode = readMode(c, section.mode, ['trustedDocuments', 'mode']) ?? 'off';
  const manifests = section.manifests;
  if (Array.isArray(manifests) && manifests.every((m) => typeof m === 'string' && m !== '')) out.manifests = manifests as string[];
  else if (manifests !== undefined) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a list of manifest files (relative to the config folder); got ${describe(manifests)}`, ['trustedDocuments', 'manifests']);
  if (section.callers !== undefined) {
    const callers = readMapping(c, section.callers, ['trustedDocuments', 'callers'], `a mapping of caller ids to a mode (${TRUSTED_MODES.join(', ')})`);
    for (const [caller, mode] of Object.entries(callers ?? {})) {
      const at = ['trustedDocuments', 'callers', caller];
      if (!callerId.test(caller)) report(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a caller id of 1 to 128 letters, digits, ".", "_", ":" or "-"; got "${caller}"`, at, 'key');
      const read = readMode(c, mode, at);
      if (read) out.callers[caller] = read;
    }
  }
  const usesManifests = out.mode !== 'off' || Object.values(out.callers).some((m) => m !== 'off');
  if (usesManifests && out.manifests.length === 0) {
    report(c, ErrorCodes.CONFIG_MISSING_KEY, 'expected key "manifests" (the persisted-query manifest files) when a mode other than off is set; it is missing', ['trustedDocuments'], 'key');
  }
  return out;
}

/** A mode; `false` is `off` too (a YAML 1.1 habit: `mode: off` read as a boolean). */
function readMode(c: Checker, value: unknown, at: readonly (string | number)[]): TrustedMode | undefined {
  return value === false ? 'off' : readOneOf(c, value, at, TRUSTED_MODES);
}
