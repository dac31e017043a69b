// Package damkit is an embeddable toolkit for the distribution side of a
// digital asset management system: upload assets and keep their versions,
// folders, collections, metadata and trash; protect downloads; let people
// request downloads that owners approve; share time-limited selections;
// render export profiles; and hand out large selections as streaming ZIPs.
//
// The root package holds documentation only. Start with package dam (the
// Library service), dam/sqlstore (its SQLite and PostgreSQL store),
// storage (blob buckets by URL) and dam/damhttp (the reference HTTP API,
// served by examples/server). The leaf packages policy, share, archive and
// rendition have no I/O of their own and can be used alone.
package damkit
