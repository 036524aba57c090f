// Command qqload measures a running qinqing server from the same machine: it signs in
// as the demo roles, runs a fixed set of reads (and creates) at a given concurrency
// and reports requests per second and latency percentiles. Given two servers (a small
// city and a large one) it runs the rounds interleaved and prints each figure with the
// ratio large ÷ small, which is what a change to the read paths is judged by. It talks
// to loopback addresses only: it is a measuring tool, not a way to load someone's site.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

func main() {
	small := flag.String("small", "", "base URL of the small city, e.g. http://127.0.0.1:8081")
	large := flag.String("large", "", "base URL of the large city (optional)")
	password := flag.String("password", "qinqing-demo", "password of the demo accounts")
	conc := flag.Int("c", 16, "concurrent requests for reads")
	writers := flag.Int("w", 64, "concurrent requests for creates")
	dur := flag.Duration("d", 5*time.Second, "how long each scenario runs per round")
	rounds := flag.Int("rounds", 3, "interleaved rounds; the median is reported")
	only := flag.String("only", "", "comma-separated scenario names to run (default all)")
	creates := flag.Bool("creates", true, "measure appeal creates on the large city (or the small one)")
	rawDir := flag.String("raw-dir", os.TempDir(), "directory for the raw SQLite loop's scratch file")
	wait := flag.Bool("wait", false, "only wait (up to 2 minutes) until the servers answer /healthz")
	flag.Parse()
	if *small == "" {
		fmt.Fprintln(os.Stderr, "usage: qqload -small URL [-large URL] [-c 16] [-d 5s] [-rounds 3]")
		os.Exit(2)
	}
	if *wait {
		for _, u := range []string{*small, *large} {
			if err := waitHealthy(u, 2*time.Minute); err != nil {
				fmt.Fprintln(os.Stderr, "qqload:", err)
				os.Exit(1)
			}
		}
		return
	}
	if err := run(config{small: *small, large: *large, password: *password, conc: *conc, writers: *writers,
		dur: *dur, rounds: *rounds, only: *only, creates: *creates, rawDir: *rawDir}); err != nil {
		fmt.Fprintln(os.Stderr, "qqload:", err)
		os.Exit(1)
	}
}

type config struct {
	small, large, password, only, rawDir string
	conc, writers, rounds                int
	dur                                  time.Duration
	creates                              bool
}

func run(cfg config) error {
	ctx := context.Background()
	var targets []*target
	for _, u := range []string{cfg.small, cfg.large} {
		if u == "" {
			continue
		}
		if err := loopbackOnly(u); err != nil {
			return err
		}
		t, err := connect(ctx, u, cfg.password)
		if err != nil {
			return fmt.Errorf("%s: %w", u, err)
		}
		targets = append(targets, t)
	}
	var picked []scenario
	for _, s := range scenarios {
		if cfg.only == "" || slices.Contains(strings.Split(cfg.only, ","), s.name) {
			picked = append(picked, s)
		}
	}
	results := make([][]result, len(targets)) // [target][scenario], medians
	for ti := range targets {
		results[ti] = make([]result, len(picked))
	}
	for si, s := range picked {
		rounds := make([][]result, len(targets))
		for r := 0; r < cfg.rounds; r++ {
			for ti, t := range targets { // interleaved: small, large, small, large …
				c := cfg.conc
				if s.conc > 0 {
					c = s.conc
				}
				rounds[ti] = append(rounds[ti], measure(ctx, t, s, c, cfg.dur))
			}
		}
		for ti := range targets {
			results[ti][si] = median(rounds[ti])
		}
	}
	printTable(targets, picked, results)
	if cfg.creates {
		t := targets[len(targets)-1]
		return measureCreates(ctx, t, cfg.writers, cfg.dur, cfg.rounds, cfg.rawDir)
	}
	return nil
}

// loopbackOnly refuses any base URL whose host is not a loopback address.
func loopbackOnly(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is not a loopback address; qqload measures this machine only", base)
	}
	return nil
}

func printTable(targets []*target, picked []scenario, results [][]result) {
	fmt.Printf("%-28s", "request")
	for _, t := range targets {
		fmt.Print(" | " + pad(fmt.Sprintf("%s (%d appeals)", t.base, t.appeals), 48))
	}
	if len(targets) == 2 {
		fmt.Printf(" | large ÷ small")
	}
	fmt.Println()
	for si, s := range picked {
		fmt.Print(pad(s.name, 28))
		for ti := range targets {
			fmt.Print(" | " + pad(results[ti][si].String(), 48))
		}
		if len(targets) == 2 && results[0][si].rps > 0 {
			fmt.Printf(" | %.2f", results[1][si].rps/results[0][si].rps)
		}
		fmt.Println()
	}
}

func newClient(conc int) *http.Client {
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: conc * 2, MaxConnsPerHost: conc * 2, DisableCompression: true}}
}

// waitHealthy polls base/healthz until it answers 200 or the time is up.
func waitHealthy(base string, limit time.Duration) error {
	if base == "" {
		return nil
	}
	if err := loopbackOnly(base); err != nil {
		return err
	}
	c := &http.Client{Timeout: 2 * time.Second}
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(300 * time.Millisecond) {
		if res, err := c.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("%s did not become healthy within %s", base, limit)
}

// pad fills s to w terminal columns, counting Chinese characters as two.
func pad(s string, w int) string {
	n := 0
	for _, r := range s {
		if r >= 0x2e80 {
			n += 2
		} else {
			n++
		}
	}
	if n >= w {
		return s
	}
	return s + strings.Repeat(" ", w-n)
}
