package userpool

import (
	"context"
	"strings"
	"sync"
	"time"
)

// RecordingSender is a Sender decorator for the test API: it keeps the last
// messages sent to each user of each pool in memory — code, subject and
// body as the user receives them — and then hands every message to the
// Sender it wraps (the log, SMTP), so delivery is unchanged. Memory is
// bounded: PerUser messages for each of at most Users users (the least
// recently written user is forgotten first).
//
// It is installed only while the test API is on (cmd/userpool wiring): it
// holds codes and temporary passwords in memory, which a production server
// must not.
type RecordingSender struct {
	next    Sender
	perUser int
	users   int
	now     func() time.Time
	render  func(Message) (subject, body string)

	mu   sync.Mutex
	seq  uint64
	byID map[recordKey]*recorded
}

type recordKey struct{ pool, user string }

type recorded struct {
	msgs []RecordedMessage
	last uint64 // seq of the newest message: eviction order
}

// RecordedMessage is a message as the test API shows it: Subject and Body
// are the text the user receives (the pool's template rendered with the
// code), when RecordingOptions.Render is set, else the template as the
// domain handed it over.
type RecordedMessage struct {
	Message
	// SentAt is when the domain handed it over.
	SentAt time.Time
}

// RecordingOptions configures NewRecordingSender. Zero values take defaults.
type RecordingOptions struct {
	// PerUser is how many messages are kept per user (DefaultRecordedPerUser).
	PerUser int
	// Users is how many users' messages are kept (DefaultRecordedUsers).
	Users int
	// Now is the clock of SentAt (time.Now).
	Now func() time.Time
	// Render turns a message into the subject and body the user receives
	// (sender.Render); nil keeps Subject and Body as handed over.
	Render func(Message) (subject, body string)
}

// Default bounds of a RecordingSender.
const (
	DefaultRecordedPerUser = 20
	DefaultRecordedUsers   = 10000
)

// NewRecordingSender wraps next (nil: nothing is delivered beyond the
// recording).
func NewRecordingSender(next Sender, opts RecordingOptions) *RecordingSender {
	r := &RecordingSender{next: next, perUser: opts.PerUser, users: opts.Users, now: opts.Now, render: opts.Render, byID: map[recordKey]*recorded{}}
	if r.perUser <= 0 {
		r.perUser = DefaultRecordedPerUser
	}
	if r.users <= 0 {
		r.users = DefaultRecordedUsers
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// recordingKey matches usernames case-insensitively (the record holds the
// internal username; callers resolve aliases first).
func recordingKey(poolID, username string) recordKey {
	return recordKey{pool: poolID, user: strings.ToLower(username)}
}

// Send records m, then delivers it through the wrapped Sender.
func (r *RecordingSender) Send(ctx context.Context, m Message) error {
	r.record(m)
	if r.next == nil {
		return nil
	}
	return r.next.Send(ctx, m)
}

func (r *RecordingSender) record(m Message) {
	if r.render != nil {
		m.Subject, m.Body = r.render(m)
	}
	k := recordingKey(m.PoolID, m.Username)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	e := r.byID[k]
	if e == nil {
		if len(r.byID) >= r.users {
			r.evictOldest()
		}
		e = &recorded{}
		r.byID[k] = e
	}
	e.msgs = append(e.msgs, RecordedMessage{Message: m, SentAt: r.now().UTC()})
	if over := len(e.msgs) - r.perUser; over > 0 {
		e.msgs = append(e.msgs[:0:0], e.msgs[over:]...)
	}
	e.last = r.seq
}

// evictOldest forgets the user written least recently (r.mu held). A scan:
// it runs only when the bound is reached, which tests never approach.
func (r *RecordingSender) evictOldest() {
	var oldest recordKey
	first := true
	var min uint64
	for k, e := range r.byID {
		if first || e.last < min {
			oldest, min, first = k, e.last, false
		}
	}
	delete(r.byID, oldest)
}

// Messages returns the recorded messages of a user (internal username),
// oldest first.
func (r *RecordingSender) Messages(poolID, username string) []RecordedMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.byID[recordingKey(poolID, username)]
	if e == nil {
		return nil
	}
	return append([]RecordedMessage(nil), e.msgs...)
}

// ForgetPool drops every message recorded for a pool ("" drops all).
func (r *RecordingSender) ForgetPool(poolID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.byID {
		if poolID == "" || k.pool == poolID {
			delete(r.byID, k)
		}
	}
}
