package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"userpool/internal/audit"
	"userpool/internal/userpool"
)

type auditJSON struct {
	ID        int64     `json:"id"`
	Time      time.Time `json:"time"`
	ActorType string    `json:"actor_type"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	PoolID    string    `json:"pool_id,omitempty"`
	Target    string    `json:"target,omitempty"`
	Outcome   string    `json:"outcome"`
	RequestID string    `json:"request_id,omitempty"`
	Detail    string    `json:"detail,omitempty"`
}

func cmdAudit(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("audit", stderr)
	var f commonFlags
	f.register(fs)
	var flt userpool.AuditFilter
	fs.StringVar(&flt.Actor, "actor", "", "only this actor (principal name, or access key id for failed authentication)")
	fs.StringVar(&flt.Action, "action", "", `only this action, e.g. cognito-idp:AdminAddUserToGroup (the "cognito-idp:" prefix may be left out)`)
	fs.StringVar(&flt.PoolID, "pool", "", "only this pool id")
	fs.StringVar(&flt.Outcome, "outcome", "", `only this outcome: allowed, denied or error:<ErrorType>`)
	since := fs.String("since", "", "only entries at or after this time (RFC 3339)")
	limit := fs.Int("limit", 100, "show the most recent N matching entries (0: all)")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	if _, err := parseInterspersed(fs, args); err != nil {
		return parseExit(err)
	}
	if *since != "" {
		t, err := time.Parse(time.RFC3339, *since)
		if err != nil {
			fmt.Fprintf(stderr, "userpool: --since: %q is not an RFC 3339 time like 2024-05-01T12:00:00Z\n", *since)
			return 2
		}
		flt.Since = t.UTC()
	}
	if flt.Outcome != "" {
		o, err := audit.ParseOutcome(flt.Outcome)
		if err != nil {
			fmt.Fprintln(stderr, "userpool: --outcome:", err)
			return 2
		}
		flt.Outcome = o
	}
	if flt.Action != "" && !hasPrefixFold(flt.Action, audit.ActionPrefixCognito) && !hasPrefixFold(flt.Action, audit.ActionPrefixAdminQueries) {
		flt.Action = audit.ActionPrefixCognito + flt.Action
	}
	if *limit < 0 {
		fmt.Fprintln(stderr, "userpool: --limit must not be negative")
		return 2
	}
	ctx := context.Background()
	e, err := openCLI(ctx, &f, false)
	if err != nil {
		fmt.Fprintln(stderr, "userpool:", err)
		return 1
	}
	defer e.Close()

	// The store lists oldest first; keep the last `limit`.
	var out []userpool.AuditEvent
	token := ""
	for {
		evs, next, err := e.svc.ListAudit(ctx, flt, 0, token)
		if err != nil {
			fmt.Fprintln(stderr, "userpool:", err)
			return 1
		}
		out = append(out, evs...)
		if *limit > 0 && len(out) > *limit {
			out = append(out[:0], out[len(out)-*limit:]...)
		}
		if next == "" {
			break
		}
		token = next
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, ev := range out {
			_ = enc.Encode(auditJSON{ID: ev.ID, Time: ev.Time, ActorType: ev.ActorType, Actor: ev.Actor, Action: ev.Action,
				PoolID: ev.PoolID, Target: ev.Target, Outcome: ev.Outcome, RequestID: ev.RequestID, Detail: ev.Detail})
		}
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tACTOR\tACTION\tPOOL\tTARGET\tOUTCOME\tREQUEST ID")
	for _, ev := range out {
		actor := ev.Actor
		if ev.ActorType != "" && ev.ActorType != audit.ActorPrincipal {
			actor = ev.ActorType + ":" + actor
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ev.Time.Format(time.RFC3339), dash(actor), ev.Action, dash(ev.PoolID), dash(ev.Target), ev.Outcome, ev.RequestID)
	}
	if err := tw.Flush(); err != nil {
		return 1
	}
	return 0
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
