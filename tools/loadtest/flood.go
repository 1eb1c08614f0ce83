package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The "flood" scenario (issue 13, finding 4): N anonymous clients flood
// InitiateAuth (unknown usernames, wrong passwords) from one or many
// loopback source addresses (127.0.0.2, 127.0.0.3, ...: Linux routes the
// whole 127/8 to lo) while one legitimate user signs in, one call after the
// other, from 127.0.0.1. The legitimate sign-in latency is measured first
// on the idle server, then under the flood, in the same run.

// FloodReport is the JSON document of a flood run.
type FloodReport struct {
	Time      string       `json:"time"`
	Endpoint  string       `json:"endpoint"`
	Clients   int          `json:"flood_clients"`
	Sources   int          `json:"flood_sources"`
	DurationS float64      `json:"duration_s"`
	Idle      LegitResult  `json:"idle"`
	Flood     LegitResult  `json:"under_flood"`
	Flooders  FloodOutcome `json:"flooders"`
	Ratio50   float64      `json:"p50_ratio"`
	Ratio99   float64      `json:"p99_ratio"`
	// CPU during the measured flood phase, in cores: this tool (the 100
	// flooding clients and the legitimate one), the server (--server-pid)
	// and everything else on the machine.
	ToolCores   float64 `json:"tool_cores"`
	ServerCores float64 `json:"server_cores,omitempty"`
	OtherCores  float64 `json:"other_cores"`
	Machine     Machine `json:"machine"`
}

// LegitResult is the legitimate user's sign-ins in one phase.
type LegitResult struct {
	SignIns int64            `json:"sign_ins"`
	Errors  map[string]int64 `json:"errors,omitempty"`
	P50Ms   float64          `json:"p50_ms"`
	P99Ms   float64          `json:"p99_ms"`
	MaxMs   float64          `json:"max_ms"`
}

// FloodOutcome counts the flood's answers by type ("ok" for none).
type FloodOutcome struct {
	Calls   int64            `json:"calls"`
	PerSec  float64          `json:"calls_per_s"`
	ByType  map[string]int64 `json:"by_type"`
	Refused int64            `json:"connect_errors"`
}

func cmdFlood(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flood", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint", "", "base URL of the server (loopback only)")
	credFile := fs.String("credentials", "", "AWS shared-credentials file (to find or create the pool)")
	prof := fs.String("profile", "userpool", "profile in --credentials")
	poolName := fs.String("pool-name", "loadtest-flood", "pool to use or create")
	password := fs.String("password", "Load-Test-Passw0rd!", "the legitimate user's password")
	clients := fs.Int("clients", 100, "flooding clients")
	sources := fs.Int("sources", 1, "distinct source addresses the flood comes from (127.0.0.2 ...)")
	dur := fs.Duration("duration", 4*time.Second, "measured time of each phase (idle, then flood)")
	warmup := fs.Duration("warmup", time.Second, "unmeasured sign-ins of the legitimate user before the idle phase (its first calls load keys and fill caches)")
	jsonOut := fs.String("json", "", "write the JSON report here")
	interval := fs.Duration("legit-interval", 200*time.Millisecond, "pause between the legitimate user's sign-ins (a person, not a loop)")
	serverPID := fs.Int("server-pid", 0, "server process, to report its CPU during the flood")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *endpoint == "" {
		return errors.New("--endpoint is required")
	}
	if *sources < 1 || *sources > 250 {
		return errors.New("--sources must be 1..250")
	}
	ak, sk := "", ""
	if *credFile != "" {
		var err error
		if ak, sk, err = readCredentials(*credFile, *prof); err != nil {
			return err
		}
	}
	admin, err := NewClient(*endpoint, "us-east-1", ak, sk, 8)
	if err != nil {
		return err
	}
	p, err := findOrCreatePool(ctx, admin, *poolName, 1)
	if err != nil {
		return err
	}
	if p.Existing < 1 {
		pr := populate(ctx, admin, p, 1, 1, 1, 1, *password, time.Minute)
		if pr.Created+pr.Existing < 1 {
			return fmt.Errorf("could not create the legitimate user (%s)", topErrors(pr.ErrorTypes))
		}
	}
	legit, err := NewClient(*endpoint, "us-east-1", "", "", 2)
	if err != nil {
		return err
	}
	legitBody := []byte(`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":` + q(p.ClientID) +
		`,"AuthParameters":{"USERNAME":` + q(userName(0)) + `,"PASSWORD":` + q(*password) + `}}`)
	signIns := func(ctx context.Context) LegitResult {
		var h Hist
		res := LegitResult{Errors: map[string]int64{}}
		for ctx.Err() == nil {
			select {
			case <-ctx.Done():
				continue
			case <-time.After(*interval):
			}
			start := time.Now()
			var out struct{ AuthenticationResult *struct{ AccessToken string } }
			err := legit.CallRaw(ctx, "InitiateAuth", legitBody, &out, false)
			if ctx.Err() != nil {
				break
			}
			if err == nil && (out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == "") {
				err = errors.New("no tokens")
			}
			if err != nil {
				res.Errors[errType(err)]++
				continue
			}
			h.Record(time.Since(start))
			res.SignIns++
		}
		res.P50Ms, res.P99Ms, res.MaxMs = ms(h.Quantile(0.5)), ms(h.Quantile(0.99)), ms(h.Max())
		return res
	}
	rep := FloodReport{Time: time.Now().UTC().Format(time.RFC3339), Endpoint: *endpoint, Clients: *clients,
		Sources: *sources, DurationS: dur.Seconds(), Machine: machineInfo()}

	// Warm-up, not measured: the first sign-ins' one-time costs would be
	// the idle phase's p99.
	wctx, cancel := context.WithTimeout(ctx, *warmup)
	signIns(wctx)
	cancel()

	// Phase 1: idle server.
	ictx, cancel := context.WithTimeout(ctx, *dur)
	rep.Idle = signIns(ictx)
	cancel()

	// Phase 2: the flood, then the legitimate user alongside it.
	fctx, stopFlood := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var calls, refused atomic.Int64
	var mu sync.Mutex
	byType := map[string]int64{}
	floodClients := make([]*Client, *sources)
	for i := range floodClients {
		c, err := NewClient(*endpoint, "us-east-1", "", "", *clients / *sources + 1)
		if err != nil {
			stopFlood()
			return err
		}
		src := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i))}
		c.http.Transport.(*http.Transport).DialContext = (&net.Dialer{Timeout: 5 * time.Second, LocalAddr: src}).DialContext
		floodClients[i] = c
	}
	for w := range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := floodClients[w%len(floodClients)]
			local := map[string]int64{}
			defer func() {
				mu.Lock()
				for k, v := range local {
					byType[k] += v
				}
				mu.Unlock()
			}()
			for n := 0; fctx.Err() == nil; n++ {
				body := []byte(`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":` + q(p.ClientID) +
					`,"AuthParameters":{"USERNAME":"flood-` + strconv.Itoa(w) + `-` + strconv.Itoa(n) + `@example.com","PASSWORD":"Wrong-Passw0rd!"}}`)
				err := c.CallRaw(fctx, "InitiateAuth", body, nil, false)
				if fctx.Err() != nil {
					return
				}
				calls.Add(1)
				var ae *APIError
				switch {
				case err == nil:
					local["ok"]++
				case errors.As(err, &ae):
					local[ae.Type]++
				default:
					refused.Add(1)
					time.Sleep(10 * time.Millisecond) // connection trouble: do not spin
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond) // let the flood reach its pace
	fstart := time.Now()
	c0 := calls.Load()
	tool0, srv0, busy0 := selfCPU(), procCPU(*serverPID), machineBusy()
	lctx, cancel := context.WithTimeout(ctx, *dur)
	rep.Flood = signIns(lctx)
	cancel()
	floodCalls := calls.Load() - c0
	elapsed := time.Since(fstart)
	toolCPU, srvCPU, busy := selfCPU()-tool0, procCPU(*serverPID)-srv0, machineBusy()-busy0
	rep.ToolCores = toolCPU.Seconds() / elapsed.Seconds()
	if *serverPID > 0 {
		rep.ServerCores = srvCPU.Seconds() / elapsed.Seconds()
	}
	rep.OtherCores = max(0, (busy-toolCPU-srvCPU).Seconds()/elapsed.Seconds())
	stopFlood()
	wg.Wait()
	rep.Flooders = FloodOutcome{Calls: floodCalls, PerSec: float64(floodCalls) / elapsed.Seconds(), ByType: byType, Refused: refused.Load()}
	if rep.Idle.P50Ms > 0 {
		rep.Ratio50 = rep.Flood.P50Ms / rep.Idle.P50Ms
		rep.Ratio99 = rep.Flood.P99Ms / rep.Idle.P99Ms
	}

	fmt.Fprintf(stdout, "flood: %d clients from %d source address(es), %.0f calls/s during the measured phase (by answer: %v; connection errors %d)\n",
		*clients, *sources, rep.Flooders.PerSec, byType, rep.Flooders.Refused)
	fmt.Fprintf(stdout, "legitimate sign-in, idle:        %5d sign-ins  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  errors %v\n",
		rep.Idle.SignIns, rep.Idle.P50Ms, rep.Idle.P99Ms, rep.Idle.MaxMs, rep.Idle.Errors)
	fmt.Fprintf(stdout, "legitimate sign-in, under flood: %5d sign-ins  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  errors %v\n",
		rep.Flood.SignIns, rep.Flood.P50Ms, rep.Flood.P99Ms, rep.Flood.MaxMs, rep.Flood.Errors)
	fmt.Fprintf(stdout, "ratio under flood / idle: p50 %.2f×, p99 %.2f×\n", rep.Ratio50, rep.Ratio99)
	fmt.Fprintf(stdout, "CPU during the flood (cores of %d): load tool %.2f, server %.2f, other processes %.2f\n",
		runtime.NumCPU(), rep.ToolCores, rep.ServerCores, rep.OtherCores)
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}
