// The SSRF guard: which resolved addresses a download may connect to. Only public unicast addresses pass by
// default; loopback, private, link-local, carrier-grade NAT, multicast, unspecified, reserved and translation
// ranges (which can embed a private IPv4 address) are refused, as are the cloud metadata endpoints, unless the
// deployment's allow-list names the host or a network holding the address.
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

export interface AllowList {
  /** Host names or literal addresses that may be contacted whatever they resolve to. */
  hosts: Set<string>;
  /** CIDR networks whose addresses may be contacted. */
  networks: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'instance-data.ec2.internal']);
const METADATA_IPS = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);

export function parseAllowList(hosts: unknown, networks: unknown): { allow: AllowList; errors: string[] } {
  const errors: string[] = [];
  const list = (v: unknown) => (Array.isArray(v) ? v : typeof v === 'string' && v ? v.split(',') : []).map((x) => String(x).trim()).filter(Boolean);
  const allow: AllowList = { hosts: new Set(), networks: [] };
  for (const h of list(hosts)) allow.hosts.add(normalHost(h));
  for (const n of list(networks)) {
    try {
      allow.networks.push(n.includes('/') ? ipaddr.parseCIDR(n) : [ipaddr.parse(n), ipaddr.parse(n).kind() === 'ipv4' ? 32 : 128]);
    } catch {
      errors.push(`allow_networks entry "${n}" is not a CIDR network`);
    }
  }
  return { allow, errors };
}

/** Lower-case host without IPv6 brackets or a trailing dot; IP literals in canonical form. */
export function normalHost(host: string): string {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return ipaddr.isValid(h) ? ipaddr.process(h).toString() : h;
}

/** Why an address may not be contacted, or undefined when it may. */
export function refusal(address: string, host: string, allow: AllowList): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it stands for.
  const addr = ipaddr.process(address);
  const canonical = addr.toString();
  if (allow.hosts.has(normalHost(host)) || allow.hosts.has(canonical)) return undefined;
  for (const [net, bits] of allow.networks) {
    if (net.kind() === addr.kind() && addr.match([net, bits] as never)) return undefined;
  }
  if (METADATA_IPS.has(canonical)) return 'cloud metadata address';
  const range = addr.range();
  return range === 'unicast' ? undefined : `${range} address`;
}

export interface Resolved {
  host: string;
  addresses: Array<{ address: string; family: number }>;
}

/** Resolves a host to every address (a literal resolves to itself); throws with the resolver's error code. */
export async function resolveHost(host: string): Promise<Resolved> {
  const h = normalHost(host);
  if (ipaddr.isValid(h)) return { host: h, addresses: [{ address: h, family: ipaddr.parse(h).kind() === 'ipv4' ? 4 : 6 }] };
  const addresses = await lookup(h, { all: true, verbatim: true });
  return { host: h, addresses };
}

/**
 * The address to connect to, after checking every address the name resolves to: one refused address refuses the
 * host, so a name that mixes public and internal records cannot be used to reach the internal one.
 */
export async function checkHost(host: string, allow: AllowList): Promise<{ ok: true; address: string; family: number; all: string[] } | { ok: false; reason: string; all: string[] }> {
  const h = normalHost(host);
  if (METADATA_HOSTS.has(h) && !allow.hosts.has(h)) return { ok: false, reason: `${h} is a cloud metadata host`, all: [] };
  const r = await resolveHost(h);
  const all = r.addresses.map((a) => a.address);
  if (!r.addresses.length) return { ok: false, reason: `${h} has no address`, all };
  for (const a of r.addresses) {
    const why = refusal(a.address, h, allow);
    if (why) return { ok: false, reason: `${h} resolves to ${a.address}: ${why}`, all };
  }
  const first = r.addresses[0]!;
  return { ok: true, address: ipaddr.process(first.address).toString(), family: ipaddr.process(first.address).kind() === 'ipv4' ? 4 : 6, all };
}
