//go:build unix

// Command events measures what a usage event costs SQLite (issue 20: a
// download with its event must keep 0.9x of one without), for the store's
// events table and for variants of it, in CPU time per event (user +
// system of this process, which other jobs on a shared machine disturb
// less than wall time).
//
// Each run makes a database, writes 300,000 events to warm it, then
// measures 50,000 more in transactions of -batch events (the group
// commit's batch: about 22 at 64 connections in bench/http's download),
// all downloads of one asset by one key, as the bench's download target
// makes them (-spread draws the asset from 100,000 instead).
//
//	go run ./bench/events -batch 22                # every variant, three rounds
//	go run ./bench/events -variants current,noidx -rounds 5
//	go run ./bench/events -variants current,compact-2idx,compact-1idx,compact-noidx
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite"
)

const table = `id TEXT PRIMARY KEY, time TEXT NOT NULL, actor_id TEXT NOT NULL, action TEXT NOT NULL,
	asset_id TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT ''`

// variants are the schemas compared; "current" is the store's (migrations
// 0001 and 0032).
var variants = map[string]string{
	"current": `CREATE TABLE events (` + table + `);
		CREATE INDEX events_asset ON events (asset_id, id); CREATE INDEX events_actor ON events (actor_id, id);
		CREATE INDEX events_time ON events (time);`,
	"without-rowid": `CREATE TABLE events (` + table + `) WITHOUT ROWID;
		CREATE INDEX events_asset ON events (asset_id, id); CREATE INDEX events_actor ON events (actor_id, id);
		CREATE INDEX events_time ON events (time);`,
	"without-rowid-no-time": `CREATE TABLE events (` + table + `) WITHOUT ROWID;
		CREATE INDEX events_asset ON events (asset_id, id); CREATE INDEX events_actor ON events (actor_id, id);`,
	"no-time": `CREATE TABLE events (` + table + `);
		CREATE INDEX events_asset ON events (asset_id, id); CREATE INDEX events_actor ON events (actor_id, id);`,
	"noidx": `CREATE TABLE events (` + table + `) WITHOUT ROWID;`,
	// Compact rows (the "compact rows"): integers for the ID (time
	// ordered, so no time index), the asset, the actor and the action, as
	// a store would keep them with its own numbering of assets and actors.
	"compact-2idx": `CREATE TABLE events (` + compactTable + `);
		CREATE INDEX events_asset ON events (asset_id); CREATE INDEX events_actor ON events (actor_id);`,
	"compact-1idx": `CREATE TABLE events (` + compactTable + `);
		CREATE INDEX events_asset ON events (asset_id);`,
	"compact-noidx": `CREATE TABLE events (` + compactTable + `);`,
}

const compactTable = `id INTEGER PRIMARY KEY, actor_id INTEGER NOT NULL, action INTEGER NOT NULL,
	asset_id INTEGER NOT NULL, detail TEXT NOT NULL DEFAULT ''`

func main() {
	batch := flag.Int("batch", 22, "events a transaction")
	rounds := flag.Int("rounds", 3, "rounds of every variant, interleaved")
	spread := flag.Bool("spread", false, "draw each event's asset from 100,000 instead of one")
	multi := flag.Bool("multi", false, "one INSERT of -batch rows instead of one a row")
	only := flag.String("variants", "", "comma-separated variants (default: all)")
	flag.Parse()
	names := make([]string, 0, len(variants))
	for n := range variants {
		names = append(names, n)
	}
	sort.Strings(names)
	if *only != "" {
		names = strings.Split(*only, ",")
	}
	got := map[string][]float64{}
	for range *rounds {
		for _, n := range names {
			us, err := run(variants[n], *batch, *spread, *multi)
			if err != nil {
				log.Fatalf("%s: %v", n, err)
			}
			got[n] = append(got[n], us)
		}
	}
	fmt.Printf("batch %d, spread %v, multi %v, %d rounds: CPU µs an event (median; rounds)\n", *batch, *spread, *multi, *rounds)
	for _, n := range names {
		rs := slices.Clone(got[n])
		slices.Sort(rs)
		fmt.Printf("%-22s %6.2f  %v\n", n, rs[len(rs)/2], got[n])
	}
}

// run measures one variant: CPU µs an event.
func run(schema string, batch int, spread, multi bool) (float64, error) {
	dir, err := os.MkdirTemp("", "damkit-events")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	// The store's writer: WAL, synchronous NORMAL, BEGIN IMMEDIATE.
	db, err := sql.Open("sqlite", filepath.Join(dir, "events.db")+
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		return 0, err
	}
	rows := 1
	if multi {
		rows = batch
	}
	compact := strings.Contains(schema, compactTable)
	cols, row := "(id, time, actor_id, action, asset_id, detail)", "(?, ?, ?, ?, ?, ?), "
	if compact {
		cols, row = "(id, actor_id, action, asset_id, detail)", "(?, ?, ?, ?, ?), "
	}
	insert, err := db.Prepare("INSERT INTO events " + cols + " VALUES " +
		strings.TrimSuffix(strings.Repeat(row, rows), ", "))
	if err != nil {
		return 0, err
	}
	assets := make([]string, 100_000)
	for i := range assets {
		assets[i] = fmt.Sprintf("01J%023d", rand.Int64N(1e18))
	}
	var seq int
	write := func(n int) error {
		for done := 0; done < n; done += batch {
			tx, err := db.Begin()
			if err != nil {
				return err
			}
			st := tx.Stmt(insert)
			args := make([]any, 0, 6*rows)
			if compact {
				args = make([]any, 0, 5*rows)
			}
			for i := range batch {
				seq++
				now := time.Now().UTC()
				ai := 0
				if spread {
					ai = rand.IntN(len(assets))
				}
				asset := assets[ai]
				if compact {
					// Microseconds and a sequence: time ordered, unique.
					args = append(args, now.UnixMicro()<<12|int64(seq&0xfff), 7, 1, ai, "original")
				} else {
					args = append(args, fmt.Sprintf("01K%011d%012d", now.UnixMilli(), seq), now.Format(time.RFC3339Nano),
						"us_01KBENCHKEY0000000000000000", "download", asset, "original")
				}
				if len(args) == cap(args) || i == batch-1 {
					if _, err := st.Exec(args...); err != nil {
						return err
					}
					args = args[:0]
				}
			}
			if err := tx.Commit(); err != nil {
				return err
			}
		}
		return nil
	}
	if err := write(300_000); err != nil {
		return 0, err
	}
	const n = 50_000
	t0 := cpuTime()
	if err := write(n); err != nil {
		return 0, err
	}
	return float64((cpuTime() - t0).Microseconds()) / n, nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
