// Package pgwire is a small PostgreSQL client on the standard library only: it speaks the
// frontend/backend protocol version 3 well enough for warroom's monitoring queries, the
// data-parity checks and the lab's write load, and it builds in a fraction of the time of a
// full driver (pgx pulled in golang.org/x/text for SASLprep and a type system warroom never
// used).
//
// What it does: DSNs as libpq reads them (postgres:// URLs and keyword/value strings, the
// PG* environment variables, ~/.pgpass); TCP or a Unix socket; TLS per sslmode (disable,
// allow, prefer, require, verify-ca, verify-full) with crypto/tls; trust, cleartext, MD5
// and SCRAM-SHA-256 authentication; the simple query protocol, and the extended protocol
// (unnamed statement, text parameters) when a query has arguments; every result value as
// the server's text, NULL as nil; a database/sql Connector.
//
// What it deliberately does not do: binary formats or a type system (values are text; the
// caller converts), COPY, LISTEN/NOTIFY, cancel requests (a cancelled context closes the
// connection, and statement_timeout bounds the server's side), named prepared statements,
// several hosts in one DSN, GSSAPI/SSPI/Kerberos, SCRAM channel binding
// (SCRAM-SHA-256-PLUS), service files, and full SASLprep: a password that is not ASCII is
// used as its UTF-8 bytes after mapping non-ASCII spaces to a space and dropping the
// characters SASLprep maps to nothing, so a password containing Unicode compatibility
// characters must be given already in NFKC form. A Conn is for one goroutine at a time.
package pgwire
