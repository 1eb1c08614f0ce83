package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"userpool/internal/config"
)

// With server.metrics_listen set, /metrics is served on that listener (and
// parsed by Prometheus' own text parser), not on the API listener.
func TestServeMetricsOnSeparateListener(t *testing.T) {
	t.Parallel()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := free.Addr().String()
	free.Close()

	cfg := config.Defaults()
	cfg.Server.Data = t.TempDir()
	cfg.Server.Listen = "127.0.0.1:0"
	cfg.Server.MetricsListen = metricsAddr
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ready := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, cfg, log, io.Discard, ready) }()
	var apiAddr string
	select {
	case apiAddr = <-ready:
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	}

	res, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatalf("metrics listener: %v", err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d %v", res.StatusCode, err)
	}
	if len(families) == 0 {
		t.Fatal("no metric families on the metrics listener")
	}
	if !strings.Contains(apiAddr, ":") {
		t.Fatalf("api addr %q", apiAddr)
	}
	if res, err := http.Get("http://" + apiAddr + "/metrics"); err == nil {
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			t.Fatal("/metrics is also served on the API listener")
		}
	}
	cancel()
	if err := <-errc; err != nil && err != context.Canceled {
		t.Fatalf("serve stopped with %v", err)
	}
}
