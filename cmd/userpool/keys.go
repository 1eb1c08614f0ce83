package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"userpool/internal/config"
	"userpool/internal/iam"
	"userpool/internal/store"
	"userpool/internal/token"
)

// rootPrincipal is created on a first start without any principal.
const rootPrincipal = "root"

// credentialsProfile is the profile of the generated shared-credentials file.
const credentialsProfile = "userpool"

func masterKeyPath(cfg config.Config) string { return filepath.Join(cfg.Server.Data, "master.key") }

func credentialsPath(cfg config.Config) string {
	return filepath.Join(cfg.Server.Data, "credentials")
}

// loadSealer finds the master key: auth.master_key_file, else
// USERPOOL_MASTER_KEY, else <data>/master.key, which is generated when
// generate is set (the server's first start) and missing. log may be nil.
func loadSealer(cfg config.Config, log *slog.Logger, generate bool) (*iam.Sealer, error) {
	env := os.Getenv(iam.MasterKeyEnv)
	var key []byte
	var err error
	switch {
	case cfg.Auth.MasterKeyFile != "" || env != "":
		key, err = iam.LoadMasterKey(cfg.Auth.MasterKeyFile, env)
	default:
		path := masterKeyPath(cfg)
		if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) {
			if backend, _, _ := cfg.StoreBackend(); backend == config.BackendPostgres {
				// Instances sharing a database must share the key: one
				// generated here would be this instance's alone.
				return nil, fmt.Errorf("no master key: with a PostgreSQL store every instance needs the same one; set %s (hex or base64 of 32 bytes, e.g. from: openssl rand -hex 32) or auth.master_key_file (%s does not exist)", iam.MasterKeyEnv, path)
			}
			if !generate {
				return nil, fmt.Errorf("no master key: %s does not exist and neither auth.master_key_file nor %s is set (start the server once to generate it, or give the server's key)", path, iam.MasterKeyEnv)
			}
			if err := os.MkdirAll(cfg.Server.Data, 0o700); err != nil {
				return nil, err
			}
			if err := iam.GenerateMasterKeyFile(path); err != nil {
				return nil, err
			}
			if log != nil {
				log.Warn("generated a master key file for access key secrets and token signing keys; production should supply its own (auth.master_key_file or "+iam.MasterKeyEnv+") and keep it apart from the data", "path", path)
			}
		} else if log != nil {
			log.Warn("using the generated master key file next to the data; production should supply its own (auth.master_key_file or "+iam.MasterKeyEnv+")", "path", path)
		}
		key, err = iam.LoadMasterKey(path, "")
	}
	if err != nil {
		return nil, err
	}
	defer clear(key)
	return iam.NewSealer(key, nil)
}

// checkMasterKey fails when the stored access keys were sealed with another
// master key (starting would answer every signed call with an internal error).
func checkMasterKey(ctx context.Context, st store.IAMStore, s *iam.Sealer) error {
	ps, err := st.ListPrincipals(ctx)
	if err != nil {
		return err
	}
	for _, p := range ps {
		keys, err := st.ListAccessKeys(ctx, p.Name)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if _, err := s.OpenSecret(k.ID, k.SecretCiphertext); err != nil {
				return fmt.Errorf("the master key does not open access key %s of principal %q: it is not the key the stored secrets were sealed with", k.ID, p.Name)
			}
			return nil
		}
	}
	return nil
}

// checkSigningKeys fails when the master key does not open a stored token
// signing key (token.CheckSealedKeys).
func checkSigningKeys(ctx context.Context, st store.Store, s *iam.Sealer) error {
	return token.CheckSealedKeys(ctx, st, openSigningKey(s))
}

// ensureRoot creates principal root (cognito-idp:* on every pool) with an
// access key when no principal is declared and none is stored, and writes
// the key to <data>/credentials. It reports whether it did.
func ensureRoot(ctx context.Context, cfg config.Config, st store.IAMStore, s *iam.Sealer, now time.Time) (bool, error) {
	if len(cfg.Principals) > 0 {
		return false, nil
	}
	ps, err := st.ListPrincipals(ctx)
	if err != nil {
		return false, err
	}
	if len(ps) > 0 {
		return false, nil
	}
	p := store.Principal{
		Name:      rootPrincipal,
		Grants:    []store.Grant{{Pool: "*", Actions: []string{iam.ActionAll}}},
		CreatedAt: now.UTC(), UpdatedAt: now.UTC(),
	}
	if err := st.PutPrincipal(ctx, p); err != nil {
		return false, err
	}
	id, secret, err := iam.CreateAccessKey(ctx, st, s, nil, rootPrincipal, now)
	if err != nil {
		return false, err
	}
	if err := writeCredentials(credentialsPath(cfg), id, secret); err != nil {
		return false, err
	}
	return true, nil
}

// writeCredentials writes an AWS shared-credentials file with one profile,
// mode 0600, replacing any previous one atomically.
func writeCredentials(path, id, secret string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".credentials-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	_, err = fmt.Fprintf(tmp, "[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n", credentialsProfile, id, secret)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// shellQuote quotes s for POSIX shells (always single quotes, so the
// output reads the same for every value).
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
