import { z } from 'zod';
import { TenantIdSchema } from './records.js';

/** What `tally tenants add` accepts, before the checks that need config or luxon. */
export const TenantInputSchema = z
  .strictObject({
    id: TenantIdSchema,
    region: z.string({ error: 'is required: one of the configured regions (TALLY_REGIONS)' }),
    timeZone: z.string({ error: 'is required: an IANA time zone such as Europe/Berlin' }),
    zendeskUrl: z.url({ protocol: /^https?$/, error: 'must be the account root URL, e.g. https://acme.zendesk.com' }).optional(),
    subdomain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a Zendesk subdomain such as acme')
      .optional(),
    zendeskEmail: z.email({ error: 'is required: the email of a Zendesk admin' }),
    zendeskToken: z.string({ error: 'is required: a Zendesk API token' }).min(8, 'is too short to be a Zendesk API token'),
    syncStart: z.iso.date({ error: 'must be a date YYYY-MM-DD' }).optional(),
    timeTrackingTotalField: z.number().int().positive().optional(),
    timeTrackingLastField: z.number().int().positive().optional(),
    verify: z.boolean(),
  })
  .refine((input) => (input.zendeskUrl === undefined) !== (input.subdomain === undefined), {
    path: ['zendeskUrl'],
    message: 'give exactly one of --zendesk-url or --subdomain',
  })
  .refine((input) => (input.timeTrackingTotalField === undefined) === (input.timeTrackingLastField === undefined), {
    path: ['timeTrackingTotalField'],
    message: 'give both Time Tracking field ids, or neither (they are then discovered at first sync)',
  });
export type TenantInput = z.infer<typeof TenantInputSchema>;
