/**
 * Azure audit logs: SigmaHQ rules name the Entra activity `properties.message` (a field the audit
 * record does not have); the integration stores the activity as
 * `azure.auditlogs.properties.activity_display_name`. Checked on the integration's sample event
 * (elastic/integrations packages/azure/data_stream/auditlogs/sample_event.json, commit
 * 136ebec10fe34f4161b2ea919f5b4f8de2e487fe: activity "Update device", flattened as stored).
 */
import { elasticBackend } from '../../../backends/elastic-kql/index.js';
import { esType } from '../../../backends/elastic-kql/fields.js';
import { eqlBackend } from '../../../backends/eql/index.js';
import { convertWith, ruleText } from '../../support/convert.js';
import { evalEql } from '../../support/eval-eql.js';
import { evalKql } from '../../support/eval-kql.js';

const SAMPLE = {
  'event.dataset': 'azure.auditlogs',
  'azure.auditlogs.category': 'AuditLogs',
  'azure.auditlogs.operation_name': 'Update device',
  'azure.auditlogs.properties.activity_display_name': 'Update device',
  'azure.auditlogs.properties.category': 'Device',
  'azure.auditlogs.properties.logged_by_service': 'Core Directory',
};
const OTHER = { ...SAMPLE, 'azure.auditlogs.properties.activity_display_name': 'Add owner to application' };
const types = Object.fromEntries(Object.keys(SAMPLE).map((k) => [k, esType(k) ?? 'keyword']));
const text = ruleText("  sel:\n    properties.message: 'update device'\n  condition: sel", {
  logsource: '  product: azure\n  service: auditlogs',
});

test('properties.message is the activity display name (KQL and EQL)', () => {
  const k = convertWith(elasticBackend, text, { pipelines: ['ecs'] });
  expect(k.queries[0]).toContain('azure.auditlogs.properties.activity_display_name');
  expect(evalKql(k.queries[0], SAMPLE, types)).toBe(true);
  expect(evalKql(k.queries[0], OTHER, types)).toBe(false);
  const e = convertWith(eqlBackend, text, { pipelines: ['ecs'] });
  expect(e.status).toBe('exact');
  expect(e.queries).toEqual([
    'any where event.dataset == "azure.auditlogs" and azure.auditlogs.properties.activity_display_name : "update device"',
  ]);
  expect(evalEql(e.queries[0], SAMPLE)).toBe(true);
  expect(evalEql(e.queries[0], OTHER)).toBe(false);
});
