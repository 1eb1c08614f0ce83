package function

import (
	"bufio"
	"context"
	"embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

//go:embed nodejs/bootstrap.mjs nodejs/hooks.mjs
var nodeFiles embed.FS

// Defaults of a Node function.
const (
	// DefaultTimeout is Cognito's trigger timeout.
	DefaultTimeout = 5 * time.Second
	// DefaultWorkers is the most worker processes a function runs at once.
	DefaultWorkers = 2
	// DefaultInitTimeout bounds a worker's start (loading the module) when
	// it is started ahead of a call.
	DefaultInitTimeout = 10 * time.Second
	// maxFrame bounds one message of the worker protocol (Lambda's
	// synchronous payload limit is 6 MB).
	maxFrame = 6 << 20
)

// NodeConfig declares a function run by userpool's Node.js workers.
type NodeConfig struct {
	// Name is the function's name (log lines, context.functionName,
	// AWS_LAMBDA_FUNCTION_NAME).
	Name string
	// Handler is the module file: ESM (.mjs, or .js under "type":"module")
	// or CommonJS (.cjs, .js) exporting the handler.
	Handler string
	// Export is the handler's export name (default "handler").
	Export string
	// Node is the node executable (default: "node" found on PATH).
	Node string
	// Timeout per call (default 5 s); a worker that does not answer in
	// time is killed and replaced.
	Timeout time.Duration
	// Workers is the most calls run at once, each in its own process
	// (default 2). One worker is started ahead of the first call.
	Workers int
	// Credentials and Env make up the process environment, with PATH, HOME
	// and NODE_EXTRA_CA_CERTS of the server's; nothing else of the
	// server's environment (its master key, say) is passed on.
	Credentials Credentials
	Env         map[string]string
	// Logger receives the function's console output, one record per line
	// with "function" set to Name (default slog.Default()).
	Logger *slog.Logger
}

// Node runs one function in a pool of warm node worker processes. It is a
// Runner.
type Node struct {
	cfg  NodeConfig
	dir  string // the bootstrap's temporary directory
	node string
	env  []string
	sem  chan struct{}

	mu     sync.Mutex
	idle   []*worker
	live   map[*worker]struct{}
	closed bool
	// pending is closed when the worker being started in the background
	// (refill) is idle or has failed; nil when none is.
	pending chan struct{}
	wg      sync.WaitGroup
}

// NewNode checks the configuration, writes the bootstrap to a temporary
// directory and starts the first worker in the background.
func NewNode(cfg NodeConfig) (*Node, error) {
	if cfg.Export == "" {
		cfg.Export = "handler"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	handler, err := filepath.Abs(cfg.Handler)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(handler); err != nil {
		return nil, fmt.Errorf("function %s: handler: %w", cfg.Name, err)
	} else if fi.IsDir() {
		return nil, fmt.Errorf("function %s: handler %s is a directory, not a module file", cfg.Name, handler)
	}
	cfg.Handler = handler
	node, err := FindNode(cfg.Node)
	if err != nil {
		return nil, fmt.Errorf("function %s: %w", cfg.Name, err)
	}
	dir, err := os.MkdirTemp("", "userpool-node-")
	if err != nil {
		return nil, err
	}
	for _, f := range []string{"bootstrap.mjs", "hooks.mjs"} {
		b, _ := nodeFiles.ReadFile("nodejs/" + f)
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	n := &Node{cfg: cfg, dir: dir, node: node, sem: make(chan struct{}, cfg.Workers), live: map[*worker]struct{}{}}
	n.env = processEnv(cfg)
	n.refill()
	return n, nil
}

// FindNode returns path when given, else node on PATH.
func FindNode(path string) (string, error) {
	if path == "" {
		path = "node"
	}
	p, err := exec.LookPath(path)
	if err != nil {
		return "", fmt.Errorf("node.js not found (%v): install it or set functions_runtime.node", err)
	}
	return p, nil
}

func processEnv(cfg NodeConfig) []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "NODE_EXTRA_CA_CERTS", "TZ", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	env = append(env, cfg.Credentials.Env()...)
	env = append(env,
		"AWS_LAMBDA_FUNCTION_NAME="+cfg.Name,
		"AWS_LAMBDA_FUNCTION_TIMEOUT="+strconv.Itoa(int(cfg.Timeout/time.Second)),
	)
	for k, v := range cfg.Env {
		env = append(env, k+"="+v)
	}
	return env
}

// Run sends event to an idle worker (starting one when none is idle and
// fewer than Workers are busy; else waiting for one) and returns its result.
// The timeout covers the wait, a worker's start and the call.
func (n *Node) Run(ctx context.Context, event []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	select {
	case n.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, n.ctxErr(ctx)
	}
	defer func() { <-n.sem }()
	w, err := n.get(ctx)
	if err != nil {
		return nil, err
	}
	deadline, _ := ctx.Deadline()
	res, fatal, err := w.call(ctx, event, deadline)
	if errors.Is(err, errWorkerDied) {
		// failed after its previous answer, before this event: once more
		// on another worker
		n.cfg.Logger.Warn("function worker failed after answering", "function", n.cfg.Name, "pid", w.pid, "err", err)
		n.discard(w, false)
		if w, err = n.get(ctx); err != nil {
			return nil, err
		}
		res, fatal, err = w.call(ctx, event, deadline)
	}
	var fe *FunctionError
	switch {
	case err == nil || (errors.As(err, &fe) && !fatal):
		n.put(w)
	default:
		n.discard(w, true)
	}
	if err != nil && ctx.Err() != nil && !errors.As(err, &fe) {
		return nil, n.ctxErr(ctx)
	}
	return res, err
}

func (n *Node) ctxErr(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: function %s did not answer within %s", ErrTimeout, n.cfg.Name, n.cfg.Timeout)
	}
	return ctx.Err()
}

// get takes a live idle worker, waits for one being started in the
// background, or starts one.
func (n *Node) get(ctx context.Context) (*worker, error) {
	for {
		n.mu.Lock()
		for len(n.idle) > 0 {
			w := n.idle[len(n.idle)-1]
			n.idle = n.idle[:len(n.idle)-1]
			if !w.exited() {
				n.mu.Unlock()
				return w, nil
			}
			delete(n.live, w)
		}
		closed, pending := n.closed, n.pending
		n.mu.Unlock()
		if closed {
			return nil, fmt.Errorf("function %s: runtime closed", n.cfg.Name)
		}
		if pending == nil {
			break
		}
		select {
		case <-pending:
		case <-ctx.Done():
			return nil, n.ctxErr(ctx)
		}
	}
	w, err := n.start(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, n.ctxErr(ctx)
		}
		return nil, err
	}
	return w, nil
}

func (n *Node) put(w *worker) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed || w.exited() || len(n.live) > n.cfg.Workers {
		// closed, dead, or one too many (a background start raced a call)
		delete(n.live, w)
		w.kill()
		return
	}
	n.idle = append(n.idle, w)
}

// discard kills w; replace starts another in its place in the background,
// so that the next call finds a warm worker.
func (n *Node) discard(w *worker, replace bool) {
	w.kill()
	n.forget(w)
	if replace {
		n.refill()
	}
}

// refill starts one worker in the background, unless the pool is closed or
// already has an idle one.
func (n *Node) refill() {
	n.mu.Lock()
	if n.closed || len(n.idle) > 0 || n.pending != nil {
		n.mu.Unlock()
		return
	}
	n.wg.Add(1)
	pending := make(chan struct{})
	n.pending = pending
	n.mu.Unlock()
	go func() {
		defer n.wg.Done()
		defer func() {
			n.mu.Lock()
			n.pending = nil
			n.mu.Unlock()
			close(pending)
		}()
		ctx, cancel := context.WithTimeout(context.Background(), DefaultInitTimeout)
		defer cancel()
		w, err := n.start(ctx)
		if err != nil {
			n.cfg.Logger.Warn("function worker did not start", "function", n.cfg.Name, "err", err)
			return
		}
		n.put(w)
	}()
}

// Close kills every worker and removes the bootstrap directory.
func (n *Node) Close() error {
	n.mu.Lock()
	n.closed = true
	ws := make([]*worker, 0, len(n.live))
	for w := range n.live {
		ws = append(ws, w)
	}
	n.idle = nil
	n.mu.Unlock()
	for _, w := range ws {
		w.kill()
	}
	n.wg.Wait()
	for _, w := range ws {
		<-w.done
	}
	return os.RemoveAll(n.dir)
}

// Workers returns the process ids of the live workers (tests, metrics).
func (n *Node) Workers() []int {
	n.mu.Lock()
	defer n.mu.Unlock()
	var pids []int
	for w := range n.live {
		if !w.exited() {
			pids = append(pids, w.pid)
		}
	}
	return pids
}

// errWorkerDied: the worker reported a fatal error outside the call.
var errWorkerDied = errors.New("worker failed after its previous answer")

// worker is one node process running the bootstrap.
type worker struct {
	name string
	cmd  *exec.Cmd
	pid  int
	in   *os.File      // our end of the child's fd 3
	out  *bufio.Reader // our end of the child's fd 4
	outF *os.File
	seq  uint64        // the last event's id
	done chan struct{} // closed when the process has exited
	once sync.Once
	dead atomic.Bool // killed by userpool
}

// start launches a worker and waits for its "ready" frame.
func (n *Node) start(ctx context.Context) (*worker, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	cmd := exec.Command(n.node, filepath.Join(n.dir, "bootstrap.mjs"), n.cfg.Handler, n.cfg.Export, n.cfg.Name)
	cmd.Dir = filepath.Dir(n.cfg.Handler)
	cmd.Env = n.env
	cmd.ExtraFiles = []*os.File{inR, outW} // fd 3, fd 4
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		for _, f := range []*os.File{inR, inW, outR, outW} {
			f.Close()
		}
		return nil, fmt.Errorf("function %s: runtime closed", n.cfg.Name)
	}
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		n.mu.Unlock()
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("function %s: starting node: %w", n.cfg.Name, err)
	}
	w := &worker{name: n.cfg.Name, cmd: cmd, pid: cmd.Process.Pid, in: inW, outF: outR, out: bufio.NewReader(outR), done: make(chan struct{})}
	n.live[w] = struct{}{}
	n.mu.Unlock()

	var logs sync.WaitGroup
	logs.Add(2)
	go n.logLines(&logs, stdout, "stdout", w.pid)
	go n.logLines(&logs, stderr, "stderr", w.pid)
	go func() {
		logs.Wait() // Wait closes the pipes: read them to the end first
		err := cmd.Wait()
		w.in.Close()
		w.outF.Close()
		close(w.done)
		if !w.killed() {
			n.cfg.Logger.Warn("function worker exited", "function", n.cfg.Name, "pid", w.pid, "err", err)
			n.forget(w)
			n.refill()
		}
	}()

	type ready struct {
		msg frame
		err error
	}
	ch := make(chan ready, 1)
	go func() {
		m, err := readFrame(w.out)
		ch <- ready{m, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			w.kill()
			n.forget(w)
			return nil, fmt.Errorf("function %s: worker exited while loading %s: %v", n.cfg.Name, n.cfg.Handler, r.err)
		}
		if r.msg.Error != nil {
			w.kill()
			n.forget(w)
			return nil, fmt.Errorf("function %s: %s: %s", n.cfg.Name, r.msg.Error.ErrorType, r.msg.Error.ErrorMessage)
		}
		return w, nil
	case <-ctx.Done():
		w.kill()
		n.forget(w)
		return nil, ctx.Err()
	}
}

// forget drops w from the pool.
func (n *Node) forget(w *worker) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.live, w)
	for i, x := range n.idle {
		if x == w {
			n.idle = append(n.idle[:i], n.idle[i+1:]...)
			break
		}
	}
}

// logLines logs the function's console output, a record per line.
func (n *Node) logLines(wg *sync.WaitGroup, r io.Reader, stream string, pid int) {
	defer wg.Done()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		n.cfg.Logger.Info(sc.Text(), "function", n.cfg.Name, "stream", stream, "pid", pid)
	}
}

type frame struct {
	ID     *uint64         `json:"id"`
	Ready  bool            `json:"ready"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	} `json:"error"`
	Fatal bool `json:"fatal"`
}

func readFrame(r *bufio.Reader) (frame, error) {
	var f frame
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return f, err
	}
	size := binary.BigEndian.Uint32(head[:])
	if size > maxFrame {
		return f, fmt.Errorf("worker sent a %d-byte message (limit %d)", size, maxFrame)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return f, err
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("worker sent malformed JSON: %w", err)
	}
	return f, nil
}

// call sends one event and waits for the answer, the process's end or ctx.
// fatal reports that the worker is finished even though it answered.
func (w *worker) call(ctx context.Context, event []byte, deadline time.Time) ([]byte, bool, error) {
	if !json.Valid(event) {
		return nil, false, fmt.Errorf("function %s: event is not JSON", w.name)
	}
	msg := make([]byte, 4, len(event)+64)
	w.seq++
	id := w.seq
	msg = append(msg, `{"id":`...)
	msg = strconv.AppendUint(msg, id, 10)
	msg = append(msg, `,"deadlineMs":`...)
	msg = strconv.AppendInt(msg, deadline.UnixMilli(), 10)
	msg = append(msg, `,"event":`...)
	msg = append(msg, event...)
	msg = append(msg, '}')
	if len(msg)-4 > maxFrame {
		return nil, false, fmt.Errorf("function %s: event of %d bytes is over the %d-byte limit", w.name, len(event), maxFrame)
	}
	binary.BigEndian.PutUint32(msg, uint32(len(msg)-4))
	type answer struct {
		f   frame
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		if _, err := w.in.Write(msg); err != nil {
			ch <- answer{err: err}
			return
		}
		f, err := readFrame(w.out)
		ch <- answer{f, err}
	}()
	// A fatal frame without this call's id comes from an error after the
	// previous answer (an unhandled rejection): the worker is exiting and
	// did not start this event.
	select {
	case a := <-ch:
		if a.err != nil {
			<-w.doneOr(ctx)
			if ctx.Err() != nil {
				return nil, true, ctx.Err()
			}
			return nil, true, fmt.Errorf("function %s: worker %d failed: %v", w.name, w.pid, a.err)
		}
		if a.f.Fatal && (a.f.ID == nil || *a.f.ID != id) {
			msg := ""
			if a.f.Error != nil {
				msg = a.f.Error.ErrorType + ": " + a.f.Error.ErrorMessage
			}
			return nil, true, fmt.Errorf("%w: %s", errWorkerDied, msg)
		}
		if a.f.Error != nil {
			return nil, a.f.Fatal, &FunctionError{Message: a.f.Error.ErrorMessage, Type: a.f.Error.ErrorType}
		}
		if a.f.Result == nil {
			return []byte("null"), false, nil
		}
		return a.f.Result, false, nil
	case <-ctx.Done():
		return nil, true, ctx.Err()
	}
}

// doneOr is w.done, or ctx's Done when that comes first.
func (w *worker) doneOr(ctx context.Context) <-chan struct{} {
	c := make(chan struct{})
	go func() {
		select {
		case <-w.done:
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
		close(c)
	}()
	return c
}

func (w *worker) exited() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

func (w *worker) kill() {
	w.once.Do(func() {
		w.dead.Store(true)
		_ = w.cmd.Process.Kill()
	})
}

// killed reports whether userpool killed the worker (then its end is no news).
func (w *worker) killed() bool { return w.dead.Load() }
