import { z } from 'zod';
import { endpoint } from '../endpoint.js';

export const SubLocation = z.object({ code: z.string(), name: z.string() });

export const LocationItem = z.object({
  code: z.string().describe('ISO-2 code (`ES`) or region code (`EU-42`)'),
  name: z.string(),
  type: z.number().int().describe('1 single country, 2 multi-country region'),
  subLocationList: z.array(SubLocation).nullable().describe('Countries of a region; null for a single country'),
});

export const locationList = endpoint({
  name: 'location.list',
  path: '/api/v1/open/location/list',
  summary: 'Supported countries and regions',
  request: z.object({}),
  response: z.object({ locationList: z.array(LocationItem) }),
  successCode: '0',
  errors: [],
});
