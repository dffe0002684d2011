// The classification scheme. Assay ships Assemblyline's default Traffic Light Protocol definition, not
// enforced: every user sees every record unless group rules say otherwise.

export const CLASSIFICATION_DEFINITION = {
  enforce: false,
  dynamic_groups: false,
  dynamic_groups_type: 'email',
  levels: [
    { aliases: ['UNRESTRICTED', 'UNCLASSIFIED', 'U', 'TLP:W', 'TLP:WHITE'], css: { color: 'default' }, description: 'Subject to standard copyright rules, TLP:CLEAR information may be distributed without restriction.', lvl: 100, name: 'TLP:CLEAR', short_name: 'TLP:C' },
    { aliases: [], css: { color: 'success' }, description: 'Recipients may share TLP:GREEN information with peers and partner organizations within their sector or community, but not via publicly accessible channels.', lvl: 110, name: 'TLP:GREEN', short_name: 'TLP:G' },
    { aliases: [], css: { color: 'warning' }, description: 'Recipients may only share TLP:AMBER information with members of their own organization and with clients or customers who need to know the information to protect themselves or prevent further harm.', lvl: 120, name: 'TLP:AMBER', short_name: 'TLP:A' },
    { aliases: ['RESTRICTED'], css: { color: 'warning' }, description: 'Recipients may only share TLP:AMBER+STRICT information with members of their own organization.', lvl: 125, name: 'TLP:AMBER+STRICT', short_name: 'TLP:A+S' },
  ],
  required: [],
  groups: [],
  subgroups: [],
  restricted: 'TLP:A+S',
  unrestricted: 'TLP:C',
} as const;
