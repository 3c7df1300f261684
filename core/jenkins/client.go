// Package jenkins is a client for the Jenkins REST API: jobs in folders, builds, their
// archived artifacts and the JUnit plugin's test reports, with an on-disk artifact cache.
// Credentials go in an HTTP Basic header only; no URL, log line or error carries them.
package jenkins

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Config says how to reach a Jenkins server.
type Config struct {
	// URL is the server's base URL, which may carry a path prefix
	// ("https://ci.example.com/jenkins/").
	URL   string
	User  string
	Token string // the user's API token; never logged or shown
	// CAFile names a PEM file of extra certificate authorities to trust besides the
	// system's.
	CAFile string
	// Insecure skips TLS certificate verification. Only when asked by name.
	Insecure bool
	// StallTimeout aborts a download that delivers no byte for this long (default 60 s).
	StallTimeout time.Duration
	// Retries is how many times a metadata request is retried after a server error or a
	// dropped connection (default 3), waiting RetryWait, then twice as long, and so on
	// (default 500 ms).
	Retries   int
	RetryWait time.Duration
}

// TokenEnv is the environment variable the command line reads the API token from.
const TokenEnv = "REGTRACKER_JENKINS_TOKEN"

// Client talks to one Jenkins server. It is safe for concurrent use.
type Client struct {
	base  *url.URL
	cfg   Config
	http  *http.Client // metadata: a total timeout
	files *http.Client // downloads: no total timeout, stall detection instead
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(cfg.URL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("Jenkins URL %q: want http(s)://host[/prefix]", cfg.URL)
	}
	if u.User != nil {
		return nil, errors.New("Jenkins URL: put the user name in --user and the token in " + TokenEnv + ", not in the URL")
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.RawQuery, u.Fragment = "", ""
	if cfg.StallTimeout <= 0 {
		cfg.StallTimeout = 60 * time.Second
	}
	if cfg.Retries == 0 {
		cfg.Retries = 3
	}
	if cfg.RetryWait <= 0 {
		cfg.RetryWait = 500 * time.Millisecond
	}
	tlsConf := &tls.Config{InsecureSkipVerify: cfg.Insecure}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s: no PEM certificate in it", cfg.CAFile)
		}
		tlsConf.RootCAs = pool
	}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		TLSClientConfig:       tlsConf,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
	}
	return &Client{
		base:  u,
		cfg:   cfg,
		http:  &http.Client{Transport: transport, Timeout: 5 * time.Minute},
		files: &http.Client{Transport: transport},
	}, nil
}

// Close closes the client's idle connections; a client no longer used holds none then,
// instead of keeping them open for IdleConnTimeout.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Server is the base URL, for messages and cache keys.
func (c *Client) Server() string { return c.base.String() }

// JobPath turns "team/vpn/nightly" into "job/team/job/vpn/job/nightly/".
func JobPath(job string) (string, error) {
	var b strings.Builder
	for _, seg := range strings.Split(strings.Trim(job, "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", fmt.Errorf("Jenkins job %q: want FOLDER/.../JOB", job)
		}
		b.WriteString("job/" + url.PathEscape(seg) + "/")
	}
	return b.String(), nil
}

// endpoint is the URL of a path below the base, with query.
func (c *Client) endpoint(path, query string) string {
	u := *c.base
	ref := &url.URL{Path: path, RawQuery: query}
	return u.ResolveReference(ref).String()
}

func (c *Client) newRequest(ctx context.Context, url string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if c.cfg.User != "" || c.cfg.Token != "" {
		req.SetBasicAuth(c.cfg.User, c.cfg.Token)
	}
	req.Header.Set("User-Agent", "regtracker")
	return req, nil
}

// HTTPError is a response Jenkins answered with an error status.
type HTTPError struct {
	URL    string
	Status int
}

func (e *HTTPError) Error() string {
	switch e.Status {
	case http.StatusUnauthorized:
		return fmt.Sprintf("Jenkins refused the credentials (401) for %s: check the user name and the API token (%s)", e.URL, TokenEnv)
	case http.StatusForbidden:
		return fmt.Sprintf("Jenkins denied access (403) to %s: the user lacks the permission to read this job", e.URL)
	case http.StatusNotFound:
		return fmt.Sprintf("not found on Jenkins (404): %s: check the server URL, the job's folder path and the build number", e.URL)
	}
	return fmt.Sprintf("Jenkins answered %d %s for %s", e.Status, http.StatusText(e.Status), e.URL)
}

// IsNotFound reports whether err is a 404 from Jenkins.
func IsNotFound(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && he.Status == http.StatusNotFound
}

func retryable(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Status >= 500
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// getJSON fetches a metadata URL into v, retrying server errors and dropped connections.
func (c *Client) getJSON(ctx context.Context, url string, v any) error {
	wait := c.cfg.RetryWait
	for attempt := 0; ; attempt++ {
		err := c.getJSONOnce(ctx, url, v)
		if err == nil || attempt >= c.cfg.Retries || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func (c *Client) getJSONOnce(ctx context.Context, url string, v any) error {
	resp, err := c.open(ctx, c.http, url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("reading %s: %w", url, err)
	}
	return nil
}

// open sends a GET and returns the response of a 2xx status.
func (c *Client) open(ctx context.Context, hc *http.Client, url string) (*http.Response, error) {
	req, err := c.newRequest(ctx, url)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("requesting %s: %w", url, unwrapURLError(err))
	}
	if resp.StatusCode/100 != 2 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		return nil, &HTTPError{URL: url, Status: resp.StatusCode}
	}
	return resp, nil
}

// unwrapURLError drops url.Error's own copy of the URL, which the message already has.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
