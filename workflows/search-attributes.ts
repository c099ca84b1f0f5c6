import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

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

/**
 * What a new incident is indexed by when it starts, whichever way it starts (client, child
 * workflow): status `detected`, and the mode `pending` until the workflow has resolved it.
 */
export function incidentStartAttributes(incident: {
  resourceId: string;
  kind: string;
  severity?: string;
  mode?: string;
}): SearchAttributePair[] {
  return [
    { key: MEDIC_RESOURCE, value: incident.resourceId },
    { key: MEDIC_KIND, value: incident.kind },
    { key: MEDIC_STATUS, value: 'detected' },
    { key: MEDIC_SEVERITY, value: incident.severity ?? 'high' },
    { key: MEDIC_MODE, value: incident.mode ?? 'pending' },
  ];
}
