package main

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Machine describes where the numbers were taken.
type Machine struct {
	NProc    int    `json:"nproc"`
	CPU      string `json:"cpu"`
	MemTotal string `json:"mem_total"`
	Kernel   string `json:"kernel"`
	Go       string `json:"go"`
	// LoadAvg is /proc/loadavg when the run started: other work on the
	// machine (it is shared) skews every figure.
	LoadAvg string `json:"loadavg_at_start"`
}

func machineInfo() Machine {
	m := Machine{NProc: runtime.NumCPU(), Go: runtime.Version()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				m.MemTotal = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.LoadAvg = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// procStatusKB reads a "Vm…: N kB" field of /proc/PID/status.
func procStatusKB(pid int, field string) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

// procCPU is the user+system CPU time consumed so far by pid (and its
// waited-for children, which is none for our servers).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	// Fields after ")": state(3) … utime is field 14, stime 15 → indexes 11, 12.
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	const hz = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / hz
}

// selfCPU is this process's user+system CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// dirBytes sums the sizes of the regular files under dir.
func dirBytes(dir string) int64 {
	var n int64
	_ = filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// ServerStats are the server process figures.
type ServerStats struct {
	PID           int   `json:"pid,omitempty"`
	RSSAfterPopKB int64 `json:"rss_after_populate_kb,omitempty"`
	RSSEndKB      int64 `json:"rss_end_kb,omitempty"`
	RSSPeakKB     int64 `json:"rss_peak_kb,omitempty"`
	// Peaks sampled every 100 ms while populating and while running the
	// operations: anonymous memory (heap, stacks) and file-backed pages
	// (the binary and SQLite's mmap of the database) separately.
	PopPeakRSSKB     int64   `json:"populate_peak_rss_kb,omitempty"`
	PopPeakAnonKB    int64   `json:"populate_peak_anon_kb,omitempty"`
	OpsPeakRSSKB     int64   `json:"ops_peak_rss_kb,omitempty"`
	OpsPeakAnonKB    int64   `json:"ops_peak_anon_kb,omitempty"`
	OpsPeakFileKB    int64   `json:"ops_peak_file_kb,omitempty"`
	EndAnonKB        int64   `json:"end_anon_kb,omitempty"`
	EndFileKB        int64   `json:"end_file_kb,omitempty"`
	DataBytes        int64   `json:"data_bytes,omitempty"`
	DataBytesPerUser float64 `json:"data_bytes_per_user,omitempty"`
}

// rssSampler records the peak RSS (total, anonymous, file-backed) of a process.
type rssSampler struct {
	pid               int
	stop              chan struct{}
	done              chan struct{}
	peakRSS, peakAnon int64
	peakFile          int64
}

func startRSSSampler(pid int) *rssSampler {
	s := &rssSampler{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			s.peakRSS = max(s.peakRSS, procStatusKB(pid, "VmRSS"))
			s.peakAnon = max(s.peakAnon, procStatusKB(pid, "RssAnon"))
			s.peakFile = max(s.peakFile, procStatusKB(pid, "RssFile"))
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop ends sampling and returns the peaks in kB.
func (s *rssSampler) Stop() (rss, anon, file int64) {
	if s == nil {
		return 0, 0, 0
	}
	close(s.stop)
	<-s.done
	return s.peakRSS, s.peakAnon, s.peakFile
}

// machineBusy is the CPU time all processes have used so far (from /proc/stat).
func machineBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, v := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		if i >= 8 { // guest time is already counted in user
			break
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		busy += n
	}
	return time.Duration(busy) * time.Second / 100
}
