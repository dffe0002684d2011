// The tag safelist a deployment starts with; `lists.tagSafelist` in the configuration replaces or extends it.
/** Tag values that are never worth reporting, configured per deployment (exact values and patterns by tag type). */
export interface ConfiguredTagSafelist {
  match: Record<string, string[]>;
  regex: Record<string, string[]>;
}

/**
 * Defaults for the configured tag safelist: names that appear in nearly every document or program because of the
 * format itself (XML namespaces, schema hosts, the loopback address), never because of what the file does.
 */
export const DEFAULT_TAG_SAFELIST: ConfiguredTagSafelist = {
  match: {
    'network.static.domain': [
      'localhost', 'schemas.openxmlformats.org', 'schemas.microsoft.com', 'www.w3.org', 'ns.adobe.com', 'purl.org',
      'www.adobe.com', 'xml.org', 'www.xml.org', 'microsoft.com', 'www.microsoft.com', 'go.microsoft.com',
    ],
    'network.static.ip': ['127.0.0.1', '0.0.0.0', '::1'],
    'network.dynamic.ip': ['127.0.0.1', '0.0.0.0', '::1'],
    'network.dynamic.domain': ['localhost'],
  },
  regex: {
    'network.static.uri': [
      '(?:https?://)?schemas\\.openxmlformats\\.org(?:/.*)?',
      '(?:https?://)?schemas\\.microsoft\\.com(?:/.*)?',
      '(?:https?://)?www\\.w3\\.org(?:/.*)?',
      '(?:https?://)?ns\\.adobe\\.com(?:/.*)?',
      '(?:https?://)?purl\\.org(?:/.*)?',
    ],
    'network.static.domain': ['.*\\.schemas\\.microsoft\\.com'],
  },
};
