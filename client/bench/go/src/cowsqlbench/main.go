// Command cowsqlbench is the Go baseline for the cowsql Java client benchmark.
//
// It drives a cowsql cluster through go-cowsql's own database/sql driver
// (github.com/cowsql/go-cowsql/driver), which is what a Go user of cowsql
// writes SQL with, and prints one JSON line with the result:
//
//	{"client":"go","op":"insert","conns":8,"ops":123,"seconds":10.0,
//	 "opsPerSec":12.3,"p50us":800,"p99us":2500, ...}
//
// Workload (keep it identical in the Java benchmark):
//
//	table  : CREATE TABLE IF NOT EXISTS bench(id INTEGER PRIMARY KEY, v TEXT)
//	insert : INSERT INTO bench(v) VALUES(?)          v = 'x' * -value-size
//	select : SELECT v FROM bench WHERE id = ?         id uniform in [1, -rows],
//	         rows 1..-rows are pre-filled (INSERT OR IGNORE) before warm-up.
//
// Inserts that fail with SQLITE_BUSY ("database is locked") are retried after
// -busy-backoff (1ms): the engine runs one write transaction per database at a
// time and answers a concurrent writer SQLITE_BUSY at once instead of waiting,
// so with 8 connections most first attempts fail. The op's latency includes
// its retries; the count of retries is reported as busyRetries. Any other
// error is counted in "errors" (exit status 1).
//
// N goroutines each run one operation at a time on a database/sql pool of
// exactly N connections (MaxOpen = MaxIdle = N, no lifetime limits, all N
// opened before warm-up). With -mode prepared (the default) each goroutine
// uses a *sql.Stmt prepared once, so after warm-up each op is one EXEC or
// QUERY request on an already-prepared statement; with -mode direct each op
// is db.Exec/db.Query with the SQL text (one EXEC_SQL / QUERY_SQL request).
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cowsql/go-cowsql/client"
	"github.com/cowsql/go-cowsql/driver"
)

type result struct {
	Client    string  `json:"client"`
	Op        string  `json:"op"`
	Conns     int     `json:"conns"`
	Ops       int64   `json:"ops"`
	Seconds   float64 `json:"seconds"`
	OpsPerSec float64 `json:"opsPerSec"`
	P50us     float64 `json:"p50us"`
	P99us     float64 `json:"p99us"`
	P999us    float64 `json:"p999us"`
	MeanUs    float64 `json:"meanUs"`
	MaxUs     float64 `json:"maxUs"`
	Errors    int64   `json:"errors"`
	Busy      int64   `json:"busyRetries"`
	Mode      string  `json:"mode"`
	Warmup    float64 `json:"warmupSeconds"`
	DB        string  `json:"db"`
	Rows      int     `json:"rows,omitempty"`
	ValueSize int     `json:"valueSize"`
	// CPU time of the whole process (user + system, every thread) during the
	// measured phase, per measured op: the client's own cost.
	CPUUsPerOp float64 `json:"cpuUsPerOp"`
}

const (
	phaseWarmup int32 = iota
	phaseMeasure
	phaseStop
)

func fail(code int, format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "cowsqlbench: "+format+"\n", args...)
	os.Exit(code)
}

func main() {
	clusterFlag := flag.String("cluster", "", "comma-separated node addresses host:port (required)")
	dbName := flag.String("db", "bench", "database name")
	op := flag.String("op", "", "insert | select (required)")
	conns := flag.Int("conns", 1, "number of connections = number of concurrent workers")
	duration := flag.Float64("duration", 10, "measured seconds (after warm-up)")
	warmup := flag.Float64("warmup", 3, "warm-up seconds (not measured)")
	mode := flag.String("mode", "prepared", "prepared | direct (see package doc)")
	rows := flag.Int("rows", 10000, "select: rows 1..N pre-filled and read uniformly at random")
	valueSize := flag.Int("value-size", 32, "length of the TEXT value written by insert and the pre-fill")
	opTimeout := flag.Duration("op-timeout", 0, "per-operation context timeout (0: context.Background, like cowsql-demo)")
	connectTimeout := flag.Duration("connect-timeout", 10*time.Second, "timeout to open the pool and prepare the table")
	busyBackoff := flag.Duration("busy-backoff", time.Millisecond, "insert: sleep before retrying an op that failed with SQLITE_BUSY (\"database is locked\"); negative: count it as an error instead")
	seed := flag.Int64("seed", 1, "random seed for select ids")
	verbose := flag.Bool("v", false, "log driver warnings to stderr")
	flag.Parse()

	if flag.NArg() != 0 {
		fail(2, "unexpected arguments: %v", flag.Args())
	}
	var cluster []string
	for _, a := range strings.Split(*clusterFlag, ",") {
		if a = strings.TrimSpace(a); a != "" {
			cluster = append(cluster, a)
		}
	}
	if len(cluster) == 0 {
		fail(2, "-cluster is required (e.g. -cluster 127.0.0.1:9001,127.0.0.1:9002,127.0.0.1:9003)")
	}
	if *op != "insert" && *op != "select" {
		fail(2, "-op must be insert or select, got %q", *op)
	}
	if *mode != "prepared" && *mode != "direct" {
		fail(2, "-mode must be prepared or direct, got %q", *mode)
	}
	if *conns < 1 {
		fail(2, "-conns must be >= 1, got %d", *conns)
	}
	if *duration <= 0 || *warmup < 0 {
		fail(2, "-duration must be > 0 and -warmup >= 0")
	}
	if *op == "select" && *rows < 1 {
		fail(2, "-rows must be >= 1 for select")
	}
	if *valueSize < 0 {
		fail(2, "-value-size must be >= 0")
	}

	store := client.NewInmemNodeStore()
	infos := make([]client.NodeInfo, len(cluster))
	for i, a := range cluster {
		infos[i] = client.NodeInfo{Address: a}
	}
	if err := store.Set(context.Background(), infos); err != nil {
		fail(1, "node store: %v", err)
	}
	logFunc := func(l client.LogLevel, format string, a ...interface{}) {
		if *verbose && l >= client.LogWarn {
			fmt.Fprintf(os.Stderr, "go-cowsql: %s: %s\n", l, fmt.Sprintf(format, a...))
		}
	}
	drv, err := driver.New(store, driver.WithLogFunc(logFunc), driver.WithConnectionTimeout(*connectTimeout))
	if err != nil {
		fail(1, "driver: %v", err)
	}
	sql.Register("cowsql-cowsqlbench", drv)
	db, err := sql.Open("cowsql-cowsqlbench", *dbName)
	if err != nil {
		fail(1, "open: %v", err)
	}
	defer db.Close()
	// Exactly N connections, never closed or recycled by the pool.
	db.SetMaxOpenConns(*conns)
	db.SetMaxIdleConns(*conns)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)

	value := strings.Repeat("x", *valueSize)
	setupCtx, cancelSetup := context.WithTimeout(context.Background(), *connectTimeout+2*time.Minute)
	if err := prepareTable(setupCtx, db, *op, *rows, value); err != nil {
		fail(1, "preparing table bench in database %q: %v", *dbName, err)
	}
	cancelSetup()
	setupCtx, cancelSetup = context.WithTimeout(context.Background(), *connectTimeout)
	if err := openAll(setupCtx, db, *conns); err != nil {
		fail(1, "opening %d connections: %v", *conns, err)
	}
	cancelSetup()

	var insertSQL = "INSERT INTO bench(v) VALUES(?)"
	var selectSQL = "SELECT v FROM bench WHERE id = ?"
	var stmt *sql.Stmt
	if *mode == "prepared" {
		q := insertSQL
		if *op == "select" {
			q = selectSQL
		}
		if stmt, err = db.Prepare(q); err != nil {
			fail(1, "prepare %q: %v", q, err)
		}
		defer stmt.Close()
	}

	var phase int32 = phaseWarmup
	var errCount, busyCount int64
	var firstErr atomic.Value
	lat := make([][]int64, *conns) // nanoseconds, measured phase only
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := 0; w < *conns; w++ {
		lat[w] = make([]int64, 0, 1<<16)
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rnd := rand.New(rand.NewSource(*seed + int64(w)*7919))
			var v string
			<-start
			for {
				p := atomic.LoadInt32(&phase)
				if p == phaseStop {
					return
				}
				ctx := context.Background()
				var cancel context.CancelFunc
				if *opTimeout > 0 {
					ctx, cancel = context.WithTimeout(ctx, *opTimeout)
				}
				t0 := time.Now()
				var err error
				if *op == "insert" {
					for {
						if stmt != nil {
							_, err = stmt.ExecContext(ctx, value)
						} else {
							_, err = db.ExecContext(ctx, insertSQL, value)
						}
						if *busyBackoff < 0 || !isBusy(err) || atomic.LoadInt32(&phase) == phaseStop {
							break
						}
						// Another connection holds the write lock (the engine
						// runs one write transaction at a time per database
						// and answers the others SQLITE_BUSY at once).
						if p == phaseMeasure {
							atomic.AddInt64(&busyCount, 1)
						}
						time.Sleep(*busyBackoff)
					}
				} else {
					id := 1 + rnd.Int63n(int64(*rows))
					if stmt != nil {
						err = stmt.QueryRowContext(ctx, id).Scan(&v)
					} else {
						err = db.QueryRowContext(ctx, selectSQL, id).Scan(&v)
					}
					if err == nil && len(v) != *valueSize {
						err = fmt.Errorf("row %d: unexpected value length %d", id, len(v))
					}
				}
				d := time.Since(t0)
				if cancel != nil {
					cancel()
				}
				if err != nil && isBusy(err) && atomic.LoadInt32(&phase) == phaseStop {
					return // gave up retrying because the run is over
				}
				if err != nil {
					atomic.AddInt64(&errCount, 1)
					firstErr.CompareAndSwap(nil, err.Error())
					if errors.Is(err, sql.ErrConnDone) {
						return
					}
					time.Sleep(10 * time.Millisecond)
					continue
				}
				if p == phaseMeasure {
					lat[w] = append(lat[w], int64(d))
				}
			}
		}(w)
	}

	close(start)
	time.Sleep(time.Duration(*warmup * float64(time.Second)))
	warmupErrors := atomic.SwapInt64(&errCount, 0)
	measureStart := time.Now()
	cpuStart := processCPU()
	atomic.StoreInt32(&phase, phaseMeasure)
	time.Sleep(time.Duration(*duration * float64(time.Second)))
	atomic.StoreInt32(&phase, phaseStop)
	// Ops counted are those started in the measured phase; the elapsed time
	// runs until the last of them has completed.
	wg.Wait()
	elapsed := time.Since(measureStart).Seconds()
	cpu := processCPU() - cpuStart

	var all []int64
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	var sum float64
	for _, d := range all {
		sum += float64(d)
	}
	n := len(all)
	res := result{
		Client: "go", Op: *op, Conns: *conns, Ops: int64(n),
		Seconds: round(elapsed, 3), Mode: *mode, Warmup: *warmup, DB: *dbName,
		Errors: atomic.LoadInt64(&errCount), Busy: atomic.LoadInt64(&busyCount), ValueSize: *valueSize,
	}
	if *op == "select" {
		res.Rows = *rows
	}
	if n > 0 {
		res.OpsPerSec = round(float64(n)/elapsed, 1)
		res.P50us = round(pct(all, 0.50), 1)
		res.P99us = round(pct(all, 0.99), 1)
		res.P999us = round(pct(all, 0.999), 1)
		res.MeanUs = round(sum/float64(n)/1e3, 1)
		res.MaxUs = round(float64(all[n-1])/1e3, 1)
		res.CPUUsPerOp = round(float64(cpu)/float64(n)/1e3, 1)
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
	if warmupErrors > 0 || res.Errors > 0 {
		fe, _ := firstErr.Load().(string)
		fmt.Fprintf(os.Stderr, "cowsqlbench: %d errors during warm-up, %d during measurement; first: %s\n",
			warmupErrors, res.Errors, fe)
	}
	if res.Errors > 0 || n == 0 {
		os.Exit(1)
	}
}

// processCPU is the user + system CPU time this process has used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fail(1, "getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// isBusy reports whether err is SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var e driver.Error
	return err != nil && errors.As(err, &e) && e.Code&0xff == 5
}

// pct returns the nearest-rank percentile of sorted nanosecond samples, in µs.
func pct(sorted []int64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	if i < 0 {
		i = 0
	}
	return float64(sorted[i]) / 1e3
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// openAll makes the pool open all n connections before the warm-up starts.
func openAll(ctx context.Context, db *sql.DB, n int) error {
	cs := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range cs {
			c.Close() // returns it to the pool (MaxIdle = n)
		}
	}()
	for i := 0; i < n; i++ {
		c, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		cs = append(cs, c)
		if err := c.PingContext(ctx); err != nil {
			return err
		}
	}
	return nil
}

func prepareTable(ctx context.Context, db *sql.DB, op string, rows int, value string) error {
	if _, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS bench(id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		return err
	}
	if op != "select" {
		return nil
	}
	var have int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM bench WHERE id BETWEEN 1 AND ? AND length(v) = ?", rows, len(value)).Scan(&have); err != nil {
		return err
	}
	if have == rows {
		return nil
	}
	const batch = 1000
	for lo := 1; lo <= rows; lo += batch {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for id := lo; id < lo+batch && id <= rows; id++ {
			if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO bench(id, v) VALUES(?, ?)", id, value); err != nil {
				tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
