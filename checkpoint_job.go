package main

import (
	"context"
	"log/slog"
	"qinqing/db/audit"
)

// dailyCheckpoint signs the day's audit checkpoint on the clock job's first tick of each
// day. The database keeps one per calendar day under a unique key, so the other ticks,
// restarts and any other instance add nothing. A refusal (the log no longer extends the
// last checkpoint) is logged once, not on every tick.
func (m *Main) dailyCheckpoint() {
	c, made, err := audit.DailyCheckpoint(context.Background(), m.DB)
	switch {
	case err != nil:
		if msg := err.Error(); msg != m.checkpointErr {
			m.checkpointErr = msg
			m.Logger.Error("audit checkpoint", slog.String("error", msg))
		}
	case made:
		m.checkpointErr = ""
		m.Logger.Info("audit checkpoint", slog.String("day", c.Day), slog.Int64("events", c.Size))
	}
}
