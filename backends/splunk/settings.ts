/** The Splunk target's settings (`--set`; `sigmantic list settings -t splunk`). */
import type { SettingDecl } from '../../src/backend.js';

export const SETTINGS: readonly SettingDecl[] = [
  {
    name: 'index',
    type: 'list',
    state: 'index',
    description: 'index or indexes searched, first in every query: `index="a"` or `(index="a" OR index="b")`',
  },
  {
    name: 'cron',
    type: 'string',
    default: '*/15 * * * *',
    formats: ['savedsearches'],
    description: 'cron_schedule of each saved search',
  },
  {
    name: 'earliest',
    type: 'string',
    default: '-15m@m',
    formats: ['savedsearches'],
    description: 'dispatch.earliest_time of each saved search',
  },
  {
    name: 'latest',
    type: 'string',
    default: 'now',
    formats: ['savedsearches'],
    description: 'dispatch.latest_time of each saved search',
  },
  {
    name: 'schedule',
    type: 'enum',
    values: ['0', '1'],
    default: '1',
    formats: ['savedsearches'],
    description: 'enableSched of each saved search',
  },
  {
    name: 'actions',
    type: 'list',
    formats: ['savedsearches'],
    description: 'alert actions enabled in each saved search (`action.<name> = 1`), e.g. email,script',
  },
  {
    name: 'action.*',
    type: 'string',
    formats: ['savedsearches'],
    description: 'any savedsearches.conf action key, e.g. action.email.to=soc@example.com',
  },
];
