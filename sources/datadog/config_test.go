package datadog

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources/datadog/ddtest"
)

// requestURL is the base URL every request of c goes to.
func requestURL(t *testing.T, c *Client) string {
	t.Helper()
	return c.base
}

func TestSiteAndURLSelection(t *testing.T) {
	keys := config.Datadog{APIKey: "k", AppKey: "a"}
	for _, tc := range []struct {
		site, url, env, want string
	}{
		{"", "", "", "https://api.datadoghq.com"},
		{"", "", "datadoghq.eu", "https://api.datadoghq.eu"},
		{"us3.datadoghq.com", "", "datadoghq.eu", "https://api.us3.datadoghq.com"},
		{"app.datadoghq.eu", "", "", "https://api.datadoghq.eu"},
		{"ddog-gov.com", "", "", "https://api.ddog-gov.com"},
		{"a-new-site.example", "", "", "https://api.a-new-site.example"},
		{"datadoghq.eu", "https://dd-proxy.internal:8443/datadog/", "", "https://dd-proxy.internal:8443/datadog"},
		{"", "http://127.0.0.1:9", "us5.datadoghq.com", "http://127.0.0.1:9"},
	} {
		t.Setenv("DD_SITE", tc.env)
		dd := keys
		dd.Site, dd.URL = tc.site, tc.url
		c := newClient(t, dd)
		if got := requestURL(t, c); got != tc.want {
			t.Errorf("site %q url %q DD_SITE %q: requests go to %q, want %q", tc.site, tc.url, tc.env, got, tc.want)
		}
		if c.BaseURL() != tc.want {
			t.Errorf("BaseURL() = %q, want %q", c.BaseURL(), tc.want)
		}
	}
}

func TestURLWinsOverSite(t *testing.T) {
	srv := ddtest.NewServer(t)
	srv.SetSeries("avg:a{*}", ddtest.Series{Values: ddtest.Vals(1)})
	dd := srv.Datadog()
	dd.Site = "datadoghq.eu"
	c := newClient(t, dd, metric("a", "avg:a{*}"))
	if r := poll(t, c)[0].Result; r.Error != "" || len(srv.TimeseriesRequests()) != 1 {
		t.Fatalf("with url set, the request did not reach it: %q", r.Error)
	}
}

func TestBadConfigIsRefused(t *testing.T) {
	ok := config.Datadog{APIKey: ddtest.APIKey, AppKey: ddtest.AppKey}
	for _, tc := range []struct {
		name    string
		edit    func(*config.Datadog)
		metrics []config.Metric
		want    string
	}{
		{"no api key", func(d *config.Datadog) { d.APIKey = "" }, nil, "datadog.api_key is empty"},
		{"no app key", func(d *config.Datadog) { d.AppKey = "" }, []config.Metric{metric("a", "q")}, "datadog.app_key is empty"},
		{"site is a URL", func(d *config.Datadog) { d.Site = "https://app.datadoghq.eu" }, nil, "use datadog.url"},
		{"url scheme", func(d *config.Datadog) { d.URL = "ftp://x" }, nil, "https://"},
		{"url with password", func(d *config.Datadog) { d.URL = "https://bob:hunter2secret@proxy" }, nil, "must not contain a user"},
		{"duplicate names", nil, []config.Metric{metric("a", "q1"), metric("a", "q2")}, `already named "a"`},
		{"no query", nil, []config.Metric{metric("a", " ")}, "has no query"},
		{"negative", func(d *config.Datadog) { d.Window = config.Duration(-time.Second) }, nil, "datadog.window must not be negative"},
	} {
		dd := ok
		if tc.edit != nil {
			tc.edit(&dd)
		}
		_, err := New(dd, tc.metrics)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
			continue
		}
		assertNoKeys(t, err.Error())
		if strings.Contains(err.Error(), "hunter2secret") {
			t.Errorf("%s: the URL's password is in the error: %v", tc.name, err)
		}
	}
}

func TestJobDefaults(t *testing.T) {
	c := newClient(t, config.Datadog{APIKey: "k", AppKey: "a"}, metric("a", "q"))
	j := c.Job()
	if j.Name != "datadog" || j.Interval != DefaultInterval || j.Timeout != DefaultTimeout || c.window != DefaultWindow {
		t.Errorf("job %q every %s, timeout %s, window %s", j.Name, j.Interval, j.Timeout, c.window)
	}
	c = newClient(t, config.Datadog{APIKey: "k", AppKey: "a", Interval: config.Duration(time.Minute),
		Timeout: config.Duration(5 * time.Second), Window: config.Duration(4 * time.Hour)}, metric("a", "q"))
	if j := c.Job(); j.Interval != time.Minute || j.Timeout != 5*time.Second || queryInterval(c.window) != time.Minute {
		t.Errorf("configured: every %s, timeout %s, rollup %s", j.Interval, j.Timeout, queryInterval(c.window))
	}
	if reports := newClient(t, config.Datadog{APIKey: "k"}).Job().Poll(context.Background()); reports != nil {
		t.Errorf("a job without metrics reported %v", reports)
	}
}
