// Package datadog polls Datadog metric queries for warroom: every configured metric in one
// batched POST /api/v2/query/timeseries per interval, within the organisation's rate limit,
// and optionally posts runsheet transitions as Datadog events.
//
// It speaks Datadog's HTTP API itself (net/http and encoding/json: the DD-API-KEY and
// DD-APPLICATION-KEY headers, the site or URL, a timeout, gzip answers, the X-RateLimit-*
// headers) with small request and response types of its own. The official client is not
// imported: even its core package, api/datadog, compiles a C zstd library whenever cgo is on
// and brings goccy/go-json, oauth2 and uuid, none of which warroom needs (docs/perf-datadog.md).
// Its tests check that the requests built here are the ones the official client builds.
package datadog

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// Defaults for the keys of the datadog: section that are left out.
const (
	DefaultInterval = 30 * time.Second
	DefaultTimeout  = 10 * time.Second
	DefaultWindow   = time.Hour
	DefaultSite     = "datadoghq.com"
)

// MaxQueriesPerRequest is how many metric queries go into one timeseries request. Datadog
// publishes no maximum for /api/v2/query/timeseries; 20 keeps a request and its answer small
// and one slow query from holding up dozens of others. More metrics are split over several
// requests per interval, and the rate budget counts each of them.
const MaxQueriesPerRequest = 20

// MaxSeries is how many series of one metric (a query grouped `by {host}`) are shown; the
// rest are counted in Detail as "+N more".
const MaxSeries = 8

// maxBody bounds the bytes read from one answer (after decompression).
const maxBody = 16 << 20

// authStopWait is the NextIn of a metric after Datadog refused the keys: polling has stopped,
// this only keeps the scheduler from asking again and again.
const authStopWait = time.Hour

// Client polls the configured metrics and posts events. It is safe for concurrent use: polls
// are serialized (a second poll waits for the first, or gives up with its context).
type Client struct {
	http     *http.Client
	base     string // the API base URL ("https://api.datadoghq.com"), without a trailing /
	byURL    bool   // base comes from datadog.url (datadog.site is not used)
	apiKey   string // sent only in the DD-API-KEY header
	appKey   string // sent only in the DD-APPLICATION-KEY header
	secrets  []string
	metrics  []config.Metric
	interval time.Duration
	timeout  time.Duration
	window   time.Duration
	events   bool
	now      func() time.Time

	sem chan struct{} // held by the running poll; guards everything below
	pollState

	ev eventState
}

// New checks the datadog: section and the metrics and returns a client for them. The keys
// are kept only to be sent in headers; no error or message of this package contains them.
func New(dd config.Datadog, metrics []config.Metric) (*Client, error) {
	_, base, err := serverVariables(dd, os.Getenv("DD_SITE"))
	if err != nil {
		return nil, err
	}
	if err := checkConfig(dd, metrics); err != nil {
		return nil, err
	}
	c := &Client{
		base:     base,
		byURL:    strings.TrimSpace(dd.URL) != "",
		apiKey:   dd.APIKey,
		appKey:   dd.AppKey,
		metrics:  append([]config.Metric(nil), metrics...),
		interval: orDefault(dd.Interval.D(), DefaultInterval),
		timeout:  orDefault(dd.Timeout.D(), DefaultTimeout),
		window:   orDefault(dd.Window.D(), DefaultWindow),
		events:   dd.Events,
		now:      time.Now,
		sem:      make(chan struct{}, 1),
	}
	for _, k := range []string{dd.APIKey, dd.AppKey} {
		if k != "" {
			c.secrets = append(c.secrets, k)
		}
	}
	c.pollState = newPollState()
	c.ev.rate = newRateState()
	c.http = newHTTPClient(c.timeout)
	return c, nil
}

// newHTTPClient has a timeout (the default client has none), its own transport (so Close
// only drops our connections), a bound on the size of an answer, and no redirects: a
// redirect would carry the DD-API-KEY header to whatever host it names.
func newHTTPClient(timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 2
	return &http.Client{
		Timeout:   timeout,
		Transport: limitedTransport{base: tr, max: maxBody},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Close drops the client's idle connections. Polls and posts after Close still work (they
// open new connections).
func (c *Client) Close() {
	c.http.CloseIdleConnections()
}

// BaseURL is the API base URL the client talks to, e.g. "https://api.datadoghq.eu".
func (c *Client) BaseURL() string { return c.base }

// Job returns the scheduler job that polls every metric: one batched request per interval
// (more only past MaxQueriesPerRequest metrics), one Report per metric, named by the
// metric's name. A job for no metrics reports nothing and makes no request.
func (c *Client) Job() sources.Job {
	return sources.Job{Name: "datadog", Interval: c.interval, Timeout: c.timeout, Poll: c.poll}
}

// serverVariables turns url or site into the protocol and host name of the API (the official
// client's server variables for its server index 1, "{protocol}://{name}"): url wins;
// site (default $DD_SITE, then datadoghq.com) becomes https://api.{site}.
func serverVariables(dd config.Datadog, envSite string) (map[string]string, string, error) {
	if raw := strings.TrimSpace(dd.URL); raw != "" {
		u, err := url.Parse(strings.TrimRight(raw, "/"))
		if strings.Contains(raw, "@") {
			raw = "(a URL with a user part)" // it may hold a password: never echo it
		}
		switch {
		case err != nil:
			return nil, "", fmt.Errorf("datadog.url %q is not a URL: %v", raw, errors.Unwrap(err))
		case u.Scheme != "http" && u.Scheme != "https":
			return nil, "", fmt.Errorf("datadog.url %q must start with https:// (or http:// for a local server)", raw)
		case u.Host == "":
			return nil, "", fmt.Errorf("datadog.url %q has no host", raw)
		case u.User != nil:
			return nil, "", errors.New("datadog.url must not contain a user or password: put the keys in datadog.api_key and datadog.app_key")
		case u.RawQuery != "" || u.Fragment != "":
			return nil, "", fmt.Errorf("datadog.url %q must be a base URL without ?query or #fragment", raw)
		}
		name := u.Host + strings.TrimRight(u.EscapedPath(), "/")
		return map[string]string{"protocol": u.Scheme, "name": name}, u.Scheme + "://" + name, nil
	}
	site := strings.ToLower(strings.TrimSpace(dd.Site))
	if site == "" {
		site = strings.ToLower(strings.TrimSpace(envSite))
	}
	if site == "" {
		site = DefaultSite
	}
	if strings.Contains(site, "/") || strings.ContainsAny(site, " :@?#") {
		return nil, "", fmt.Errorf("datadog.site %q should be a site name such as datadoghq.com or datadoghq.eu; use datadog.url for a full URL", site)
	}
	// The web UI's host (app.datadoghq.eu) is a common copy-paste; the API lives on api.{site}.
	site = strings.TrimPrefix(strings.TrimPrefix(site, "app."), "api.")
	name := "api." + site
	return map[string]string{"protocol": "https", "name": name}, "https://" + name, nil
}

// checkConfig catches what would only fail later, at the first poll.
func checkConfig(dd config.Datadog, metrics []config.Metric) error {
	var errs []error
	if dd.APIKey == "" {
		errs = append(errs, errors.New("datadog.api_key is empty: set it, e.g. api_key: ${DD_API_KEY}"))
	}
	if dd.AppKey == "" && len(metrics) > 0 {
		errs = append(errs, errors.New("datadog.app_key is empty: querying metrics needs an application key, e.g. app_key: ${DD_APP_KEY}"))
	}
	seen := map[string]bool{}
	for i, m := range metrics {
		switch {
		case strings.TrimSpace(m.Name) == "":
			errs = append(errs, fmt.Errorf("metrics[%d] has no name", i))
		case seen[m.Name]:
			errs = append(errs, fmt.Errorf("metrics[%d]: another metric is already named %q", i, m.Name))
		}
		seen[m.Name] = true
		if strings.TrimSpace(m.Query) == "" {
			errs = append(errs, fmt.Errorf("metric %q has no query", m.Name))
		}
	}
	for _, d := range []struct {
		key string
		v   config.Duration
	}{{"interval", dd.Interval}, {"timeout", dd.Timeout}, {"window", dd.Window}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("datadog.%s must not be negative", d.key))
		}
	}
	return errors.Join(errs...)
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
