/**
 * @tracemark/traffic: extraction-campaign detection in API exchange logs (DESIGN.md, "Campaigns").
 */
export { type ExchangeRecord } from './exchange-record.ts';
