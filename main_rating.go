package main

import (
	"context"
	"log/slog"
	"qinqing/db/appeal"
)

// ratingTimers reminds raters after 3 days in 反馈 and closes as 未评价 after 7; it runs on
// the escalation job's minute clock, and the steps it took are kept on the appeals.
func (m *Main) ratingTimers() {
	n, err := appeal.RatingTimers(context.Background(), m.DB)
	if err != nil {
		m.Logger.Error("rating timers", slog.Int("steps", n), slog.String("error", err.Error()))
	} else if n > 0 {
		m.Logger.Info("rating timers", slog.Int("steps", n))
	}
}
