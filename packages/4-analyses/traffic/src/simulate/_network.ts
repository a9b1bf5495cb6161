/**
 * Where simulated clients connect from and what they say they are: IP addresses drawn inside
 * plausible public ranges (residential broadband, mobile carriers, cloud hosting, a university, a
 * corporate egress), user-agent strings of the browsers and SDKs that call chat-completion APIs,
 * and opaque payment fingerprints. All synthetic: the prefixes resemble real allocations so that
 * prefix-based grouping behaves as on real logs, but no address belongs to a known subscriber.
 */
import { type Draw } from './_random.ts';

/** /16 prefixes of the kind residential broadband customers get (first two octets). */
const RESIDENTIAL_V4: readonly string[] = [
  '73.162', '73.229', '24.18', '24.130', '71.58', '98.207', '68.45', '76.102', '86.134', '86.153', '92.233', '81.98', '90.214', '79.141', '84.61',
  '93.203', '188.26', '109.153', '78.192', '83.49', '189.38', '187.112', '201.17', '179.218', '114.35', '49.204', '121.141', '1.226', '101.98',
  '122.172', '115.99', '42.106', '60.254', '211.205', '175.223', '220.85', '95.24', '5.18', '178.66', '37.201', '41.190', '105.112', '197.210',
];
/** IPv6 /32s of broadband providers; a share of households reach the API over IPv6. */
const RESIDENTIAL_V6: readonly string[] = ['2601:0646', '2600:1700', '2a02:c7f', '2a01:0e0a', '2003:00e4', '2804:14c', '2405:201'];
/** Mobile-carrier CGNAT egress /16s: many subscribers behind few addresses, which is why proxy resellers sell them. */
const MOBILE_V4: readonly string[] = ['172.56', '172.58', '174.205', '107.77', '31.94', '176.12', '46.114', '100.34', '223.104', '106.207'];
/** Cloud-hosting /16s: where bots, harnesses and datacenter proxies live. */
const CLOUD_V4: readonly string[] = ['34.82', '35.199', '3.91', '18.207', '52.14', '54.162', '20.115', '40.76', '13.57', '159.203', '165.227', '45.77', '139.59', '5.161', '185.220', '104.248'];

function octet(draw: Draw): number {
  return draw.between(1, 254);
}

export function residentialIp(draw: Draw): string {
  if (draw.chance(0.18)) {
    const p = draw.pick(RESIDENTIAL_V6);
    return `${p}:${draw.hex(4)}:${draw.hex(4)}:${draw.hex(4)}:${draw.hex(4)}:${draw.hex(4)}:${draw.hex(4)}`.replace(/:0+([0-9a-f])/g, ':$1');
  }
  return `${draw.pick(RESIDENTIAL_V4)}.${draw.between(0, 255)}.${octet(draw)}`;
}

export function mobileIp(draw: Draw): string {
  return `${draw.pick(MOBILE_V4)}.${draw.between(0, 255)}.${octet(draw)}`;
}

/** A cloud /24 (three octets), for a service's or a proxy provider's block of addresses. */
export function cloudPrefix24(draw: Draw): string {
  return `${draw.pick(CLOUD_V4)}.${draw.between(0, 255)}`;
}

export function cloudIp(draw: Draw): string {
  return `${cloudPrefix24(draw)}.${octet(draw)}`;
}

/** A /24 for an institution's NAT or an office egress, from the broadband/business ranges. */
export function institutionPrefix24(draw: Draw): string {
  return `${draw.pick(RESIDENTIAL_V4)}.${draw.between(0, 255)}`;
}

const BROWSERS: readonly string[] = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36',
];
const SDKS: readonly string[] = [
  'OpenAI/Python 1.54.4',
  'OpenAI/Python 1.52.0',
  'OpenAI/Python 1.40.6',
  'OpenAI/JS 4.72.0',
  'OpenAI/JS 4.67.3',
  'python-requests/2.32.3',
  'python-httpx/0.27.2',
  'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
  'curl/8.5.0',
  'langchain-openai/0.2.9 OpenAI/Python 1.54.4',
  'Go-http-client/2.0',
];

/** A user agent for a person: mostly browser-based clients, some SDKs and scripts. */
export function personUserAgent(draw: Draw): string {
  return draw.chance(0.55) ? draw.pick(BROWSERS) : draw.pick(SDKS);
}

export function sdkUserAgent(draw: Draw): string {
  return draw.pick(SDKS);
}

export function browserUserAgent(draw: Draw): string {
  return draw.pick(BROWSERS);
}

/** An opaque billing fingerprint, the shape a payment processor's card hash has. */
export function paymentFingerprint(draw: Draw): string {
  return `pf_${draw.hex(20)}`;
}
