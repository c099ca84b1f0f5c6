import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Registered on the server at start-up (see scripts/stack.sh) so the Web UI can filter incidents. */
export const MEDIC_RESOURCE = defineSearchAttributeKey('MedicResource', SearchAttributeType.KEYWORD);
export const MEDIC_KIND = defineSearchAttributeKey('MedicKind', SearchAttributeType.KEYWORD);
export const MEDIC_STATUS = defineSearchAttributeKey('MedicStatus', SearchAttributeType.KEYWORD);
export const MEDIC_SEVERITY = defineSearchAttributeKey('MedicSeverity', SearchAttributeType.KEYWORD);
export const MEDIC_MODE = defineSearchAttributeKey('MedicMode', SearchAttributeType.KEYWORD);

export const MEDIC_SEARCH_ATTRIBUTE_NAMES = [
  'MedicResource',
  'MedicKind',
  'MedicStatus',
  'MedicSeverity',
  'MedicMode',
];
