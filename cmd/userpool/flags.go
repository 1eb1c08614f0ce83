package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"userpool/internal/config"
	"userpool/internal/store/sqlite"
)

// commonFlags are the flags shared by every command that opens the store.
type commonFlags struct {
	listen, data, configPath string
}

func (f *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.listen, "listen", "", "address to listen on (default 127.0.0.1:9229)")
	fs.StringVar(&f.data, "data", "", "data directory (default ./userpool-data)")
	fs.StringVar(&f.configPath, "config", "", "YAML configuration file")
}

// load reads the config file and applies flag overrides, then validates.
func (f *commonFlags) load() (config.Config, error) {
	cfg, err := config.Load(f.configPath)
	if err != nil {
		return cfg, err
	}
	if f.listen != "" {
		cfg.Server.Listen = f.listen
	}
	if f.data != "" {
		cfg.Server.Data = f.data
	}
	return cfg, cfg.Validate()
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// newFlagSet returns a flag set that reports to stderr and does not exit.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("env fn --pool x" as well as "env --pool x fn").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// openStore opens the SQLite store of the data directory (creating it).
func openStore(ctx context.Context, cfg config.Config) (*sqlite.Store, error) {
	if err := os.MkdirAll(cfg.Server.Data, 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(cfg.Server.Data, "userpool.db"))
	if err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}
	return st, nil
}

// endpointURL is where clients reach the server: public_url, else
// http://<listen> with an unspecified host replaced by 127.0.0.1.
func endpointURL(cfg config.Config, listen string) string {
	if cfg.Server.PublicURL != "" {
		return strings.TrimRight(cfg.Server.PublicURL, "/")
	}
	host, port, ok := strings.Cut(listen, ":")
	if i := strings.LastIndex(listen, ":"); i >= 0 {
		host, port, ok = listen[:i], listen[i+1:], true
	}
	if !ok {
		return "http://" + listen
	}
	switch host {
	case "", "0.0.0.0", "[::]", "::":
		host = "127.0.0.1"
	}
	return "http://" + host + ":" + port
}
