package mysql

import "github.com/warroom-dev/warroom/sources"

// Kind declares the mysql kind: its group and every fact a poll reports (check --json and
// gates read them; a test holds the polls of real servers to this list).
var Kind = sources.Kind{
	Name:  "mysql",
	Group: sources.GroupDB,
	Doc:   "a MySQL, MariaDB or Aurora MySQL node: role, read-only state, replication lag, stray writes",
	Facts: []sources.Fact{
		{Name: "role", Type: sources.String, Values: []string{"primary", "replica"}, Doc: "replica when the node replicates from another"},
		{Name: "read_only", Type: sources.Bool, Doc: "read_only or super_read_only is on"},
		{Name: "expect", Type: sources.String, Values: []string{expectWritable, expectReadOnly, ""}, Doc: "what the node is expected to be right now (config, then the runsheet)"},
		{Name: "io_running", Type: sources.Bool, Doc: "every replication channel's I/O thread runs; null when not a replica"},
		{Name: "sql_running", Type: sources.Bool, Doc: "every replication channel's SQL thread runs; null when not a replica"},
		{Name: "lag_s", Type: sources.Number, Doc: "replication lag in seconds; null when unknown"},
		{Name: "lag_source", Type: sources.String, Values: []string{lagHeartbeat, lagReplicaStatus, lagAurora, lagGTID}, Doc: "how lag_s was measured"},
		{Name: "stray_writes", Type: sources.Bool, Doc: "a write happened on the node while it was expected read-only"},
		{Name: "errant_gtids", Type: sources.String, Doc: "the GTIDs of those writes, comma-separated"},
		{Name: "last_error", Type: sources.String, Doc: "the replication error, or why the poll failed"},
		{Name: "dialect", Type: sources.String, Values: []string{dialectMySQL, dialectMariaDB, dialectAurora}, Doc: "the server's dialect"},
		{Name: "version", Type: sources.String, Doc: "the server's version as reported"},
	},
}
