// Package config is warroom's YAML schema: the types, their defaults, ${ENV} interpolation,
// and validation that reports every error at once as FILE:LINE:COL: message.
package config

import "time"

// Pos is a position in the config file, 1-based. Zero means "not from the file" (a default).
type Pos struct {
	Line int
	Col  int
	// File is set for a value that came from another file than the config (a runsheet's
	// spreadsheet): Line is then its row and Col its column (A = 1).
	File string
}

// Duration is a time.Duration written in YAML as "5s", "2m30s", "4h30m".
type Duration time.Duration

// D returns the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Config is a whole warroom.yaml.
type Config struct {
	// File is the path the config was loaded from; Dir is its folder, against which every
	// relative path in it has already been resolved.
	File string `yaml:"-"`
	Dir  string `yaml:"-"`

	Title     string     `yaml:"title"`
	Defaults  Defaults   `yaml:"defaults"`
	Datadog   *Datadog   `yaml:"datadog"`
	Metrics   []Metric   `yaml:"metrics"`
	Databases []Database `yaml:"databases"`
	Health    []Health   `yaml:"health"`
	Parity    []Parity   `yaml:"parity"`
	SSH       *SSH       `yaml:"ssh"`
	Notify    []Notify   `yaml:"notify"` // outgoing messages (config/notify.go)
	HTTP      *HTTP      `yaml:"http"`   // the read-only web board (config/notify.go)
	Runsheet  Runsheet   `yaml:"runsheet"`
	Record    *Record    `yaml:"record"` // see record.go
	// Demo is set only by `warroom demo`: the sources are the simulated cutover.
	Demo bool `yaml:"-"`
}

// Defaults apply to every source that does not set its own.
type Defaults struct {
	Interval Duration `yaml:"interval"` // default 5s
	Timeout  Duration `yaml:"timeout"`  // default 3s
	Window   Duration `yaml:"window"`   // how much history the charts show; default 1h
}

// Datadog is the connection to the Datadog API shared by every metric.
type Datadog struct {
	Site     string   `yaml:"site"`     // default $DD_SITE, then datadoghq.com
	URL      string   `yaml:"url"`      // optional base URL; wins over site
	APIKey   string   `yaml:"api_key"`  // secret: never shown
	AppKey   string   `yaml:"app_key"`  // secret: never shown
	Interval Duration `yaml:"interval"` // one batched request per interval; default 30s
	Timeout  Duration `yaml:"timeout"`  // default 10s
	Window   Duration `yaml:"window"`   // history fetched and shown; default 1h
	Events   bool     `yaml:"events"`   // post checkpoint transitions as Datadog events
	Pos      Pos      `yaml:"-"`
}

// Metric is one Datadog query, shown as its own source.
type Metric struct {
	Name  string   `yaml:"name"`
	Query string   `yaml:"query"`
	Unit  string   `yaml:"unit"`
	Warn  *float64 `yaml:"warn"`
	Crit  *float64 `yaml:"crit"`
	Below bool     `yaml:"below"` // lower is worse
	Pin   bool     `yaml:"pin"`   // drawn as a tall chart when there is room
	Pos   Pos      `yaml:"-"`
}

// Database is one MySQL, MariaDB, Aurora or PostgreSQL node.
type Database struct {
	Name      string         `yaml:"name"`
	DSN       string         `yaml:"dsn"`        // go-sql-driver DSN or postgres:// URL; its password is a secret
	Engine    string         `yaml:"engine"`     // "", "mysql" or "postgres"; "" follows the DSN
	Expect    string         `yaml:"expect"`     // "", "writable" or "read_only"
	ReplicaOf string         `yaml:"replica_of"` // the name of another database
	Heartbeat *Heartbeat     `yaml:"heartbeat"`
	Lag       DurationLimits `yaml:"lag"`
	Interval  Duration       `yaml:"interval"`
	Timeout   Duration       `yaml:"timeout"`
	Pos       Pos            `yaml:"-"`
}

// Heartbeat names a pt-heartbeat table to measure lag from.
type Heartbeat struct {
	Table          string `yaml:"table"` // schema.table
	SourceServerID int64  `yaml:"source_server_id"`
	UTC            *bool  `yaml:"utc"` // default true (pt-heartbeat --utc)
}

// DurationLimits are warn/crit thresholds written as durations (higher is worse).
type DurationLimits struct {
	Warn Duration `yaml:"warn"` // 0: not checked
	Crit Duration `yaml:"crit"`
}

// Health is one HTTP(S), TCP or DNS probe; exactly one of URL, TCP and DNS is set.
type Health struct {
	Name               string                 `yaml:"name"`
	URL                string                 `yaml:"url"`
	TCP                string                 `yaml:"tcp"`
	DNS                string                 `yaml:"dns"`
	Method             string                 `yaml:"method"` // default GET
	Headers            map[string]string      `yaml:"headers"`
	Expect             HealthExpect           `yaml:"expect"`
	States             map[string]HealthState `yaml:"states"` // named planned states (maintenance, down)
	ServedByHeader     string                 `yaml:"served_by_header"`
	Latency            DurationLimits         `yaml:"latency"`
	TLSWarnDays        *int                   `yaml:"tls_warn_days"` // default 14
	FollowRedirects    bool                   `yaml:"follow_redirects"`
	InsecureSkipVerify bool                   `yaml:"insecure_skip_verify"`
	CAFile             string                 `yaml:"ca_file"` // PEM bundle of the CAs to trust; relative to the config's folder
	FreshConnection    bool                   `yaml:"fresh_connection"`
	Resolver           string                 `yaml:"resolver"` // dns: host:port; default the system resolver
	Interval           Duration               `yaml:"interval"`
	Timeout            Duration               `yaml:"timeout"`
	Pin                bool                   `yaml:"pin"` // drawn as a tall chart when there is room
	Pos                Pos                    `yaml:"-"`
}

// Kind returns "health" (HTTP), "tcp" or "dns".
func (h Health) Kind() string {
	switch {
	case h.TCP != "":
		return "tcp"
	case h.DNS != "":
		return "dns"
	}
	return "health"
}

// HealthExpect is what a healthy answer looks like.
type HealthExpect struct {
	Status       []int      `yaml:"status"` // default: any 2xx
	BodyContains string     `yaml:"body_contains"`
	JSON         *JSONCheck `yaml:"json"`
	AnyOf        []string   `yaml:"any_of"` // dns: answers that mean "the new side"
}

// JSONCheck compares one value in a JSON body, addressed by a simple path ("$.db",
// "$.checks[0].status"). Equals is decoded the way encoding/json decodes a body into an
// any: nil, bool, float64 (every number), string, []any or map[string]any.
type JSONCheck struct {
	Path   string `yaml:"path"`
	Equals any    `yaml:"equals"`
}

// SSH configures `warroom serve`.
type SSH struct {
	Listen                string   `yaml:"listen"`    // default 127.0.0.1:2222
	HostKey               string   `yaml:"host_key"`  // created 0600 if missing
	Operators             []string `yaml:"operators"` // authorized_keys files or inline keys
	Viewers               []string `yaml:"viewers"`
	AllowAnonymousViewers bool     `yaml:"allow_anonymous_viewers"`
	MaxSessions           int      `yaml:"max_sessions"`    // default 200
	IdleTimeout           Duration `yaml:"idle_timeout"`    // default 12h
	RatePerMinute         int      `yaml:"rate_per_minute"` // new connections per address; default 60
	Pos                   Pos      `yaml:"-"`
}

// Runsheet is the cutover plan.
type Runsheet struct {
	// From, when set, is the spreadsheet the checkpoints are read from; Checkpoints then
	// only add to its rows, by id.
	From        SheetRef     `yaml:"from"`
	Journal     string       `yaml:"journal"` // default ./warroom.journal beside the config
	Window      Duration     `yaml:"window"`  // the announced downtime; 0 = none
	Checkpoints []Checkpoint `yaml:"checkpoints"`
	PlanFrom    string       `yaml:"plan_from"` // a rehearsal's recording: planned = its actual durations
	// Rehearsal holds the actual durations read from plan_from, by checkpoint id (app.Load).
	Rehearsal map[string]Duration `yaml:"-"`
}

// Checkpoint is one step of the plan. Only ID and Title are required.
type Checkpoint struct {
	ID              string            `yaml:"id"`
	Title           string            `yaml:"title"`
	Owner           string            `yaml:"owner"`
	Planned         Duration          `yaml:"planned"`
	After           []string          `yaml:"after"` // nil: the previous checkpoint; []: none
	Gate            string            `yaml:"gate"`
	Hold            Duration          `yaml:"hold"`
	Expect          map[string]string `yaml:"expect"` // once done: database → writable | read_only, health probe → state, metric → quiet
	Cutover         bool              `yaml:"cutover"`
	PointOfNoReturn bool              `yaml:"point_of_no_return"`
	Command         string            `yaml:"command"`
	Rollback        string            `yaml:"rollback"`
	Pos             Pos               `yaml:"-"`
	// GatePos is where the gate expression starts in the file, for compile errors.
	GatePos Pos `yaml:"-"`
}
