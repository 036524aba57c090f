package figures

import (
	"context"
	"qinqing/db"
	"qinqing/db/appeal"
	"sort"
	"strconv"
)

// RankItem is one department's or leader's place in a ranking.
type RankItem struct {
	Rank          int      `json:"rank"` // 0 when there is no score to rank by
	Key           string   `json:"key"`
	Label         string   `json:"label"`
	Score         *float64 `json:"score"`
	PreviousScore *float64 `json:"previous_score"`
	Change        *float64 `json:"change"` // score points against the previous period
	PreviousRank  int      `json:"previous_rank"`
	Figures
	Drill map[string]string `json:"drill"`
}

// Ranking orders departments or leaders by the composite score of their three rates.
// Only those with at least MinSample closed appeals in the period are ranked; the rest
// are listed in Unranked (样本不足) with their counts and no place.
type Ranking struct {
	Kind      string     `json:"kind"`
	Period    Period     `json:"period"`
	Previous  *Period    `json:"previous"`
	Weights   Weights    `json:"weights"`
	MinSample int        `json:"min_sample"`
	Items     []RankItem `json:"items"`
	Unranked  []RankItem `json:"unranked"`
}

// split parts a period's rows into those with enough closed appeals to rank and the rest.
func split(rows []FigureRow, w Weights, minSample int) (ranked, unranked []RankItem) {
	ranked, unranked = []RankItem{}, []RankItem{}
	for _, r := range rows {
		if r.Key == "" {
			continue
		}
		it := RankItem{Key: r.Key, Label: r.Label, Score: w.Score(&r.Figures), Figures: r.Figures, Drill: r.Drill}
		if r.Closed < minSample {
			unranked = append(unranked, it)
		} else {
			ranked = append(ranked, it)
		}
	}
	rankItems(ranked)
	sort.SliceStable(unranked, func(i, j int) bool {
		a, b := unranked[i], unranked[j]
		if a.Closed != b.Closed {
			return a.Closed > b.Closed
		}
		if a.Filed != b.Filed {
			return a.Filed > b.Filed
		}
		return a.Label < b.Label
	})
	return ranked, unranked
}

// Rankings ranks departments or leaders over f's period, with the change against the
// period before it. Groups without a department or leader are left out.
func Rankings(ctx context.Context, d *db.DB, a db.Actor, kind string, f appeal.Filter) (*Ranking, error) {
	if kind != "departments" && kind != "leaders" {
		return nil, db.Errorf(db.ENOTFOUND, "只能对责任单位或包保领导排名。")
	}
	w, err := LoadWeights(ctx, d)
	if err != nil {
		return nil, err
	}
	rs, err := d.ReportSettings(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := breakdown(ctx, d, a, kind, f, false)
	if err != nil {
		return nil, err
	}
	out := &Ranking{Kind: kind, Period: Period{f.From, f.To}, Weights: w, MinSample: rs.MinSample}
	out.Items, out.Unranked = split(cur, w, rs.MinSample)
	if prev, ok := (Period{f.From, f.To}).Previous(); ok {
		out.Previous = &prev
		g := f
		g.From, g.To = prev.From, prev.To
		before, err := breakdown(ctx, d, a, kind, g, false)
		if err != nil {
			return nil, err
		}
		// The previous place counts only if it was ranked then, on the same rule.
		old, _ := split(before, w, rs.MinSample)
		byKey := map[string]RankItem{}
		for _, o := range old {
			byKey[o.Key] = o
		}
		for i := range out.Items {
			it := &out.Items[i]
			if o, ok := byKey[it.Key]; ok {
				it.PreviousScore, it.PreviousRank = o.Score, o.Rank
				if it.Score != nil && o.Score != nil {
					c := Round(*it.Score-*o.Score, 2)
					it.Change = &c
				}
			}
		}
	}
	return out, nil
}

// rankItems sorts by score, highest first (no score last), and numbers the places;
// equal scores share a place.
func rankItems(items []RankItem) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].Score, items[j].Score
		switch {
		case a == nil || b == nil:
			return a != nil && b == nil
		case *a != *b:
			return *a > *b
		case items[i].Filed != items[j].Filed:
			return items[i].Filed > items[j].Filed
		}
		return items[i].Label < items[j].Label
	})
	for i := range items {
		switch {
		case items[i].Score == nil:
			items[i].Rank = 0
		case i > 0 && items[i-1].Score != nil && *items[i-1].Score == *items[i].Score:
			items[i].Rank = items[i-1].Rank
		default:
			items[i].Rank = i + 1
		}
	}
}

var weightKeys = [3]string{"figures.weight.response", "figures.weight.resolution", "figures.weight.satisfaction"}

// Weights returns the composite score's weights as the admin last set them.
func LoadWeights(ctx context.Context, d *db.DB) (Weights, error) {
	w := DefaultWeights
	q := d.R(ctx)
	for i, dst := range []*int{&w.Response, &w.Resolution, &w.Satisfaction} {
		v, err := db.Setting(q, weightKeys[i])
		if err != nil {
			return w, err
		}
		if n, err := strconv.Atoi(v); err == nil {
			*dst = n
		}
	}
	return w, nil
}

// SetWeights changes the composite score's weights (admin); they must add up to 100.
func SetWeights(ctx context.Context, d *db.DB, a db.Actor, w Weights) (Weights, error) {
	if !a.Is(db.RoleAdmin) {
		return w, db.Forbidden()
	}
	var v db.Violations
	for _, x := range []struct {
		field string
		n     int
	}{{"response", w.Response}, {"resolution", w.Resolution}, {"satisfaction", w.Satisfaction}} {
		if x.n < 0 || x.n > 100 {
			v.Add(x.field, "权重须在 0 到 100 之间")
		}
	}
	if w.Response+w.Resolution+w.Satisfaction != 100 {
		v.Add("satisfaction", "三项权重之和须为 100")
	}
	if err := v.Err(); err != nil {
		return w, err
	}
	err := d.Update(ctx, func(tx *db.Tx) error {
		for i, n := range []int{w.Response, w.Resolution, w.Satisfaction} {
			if err := tx.SetSetting(weightKeys[i], strconv.Itoa(n)); err != nil {
				return err
			}
		}
		return tx.Audit(a, "settings.figure_weights", "settings", 0, w)
	})
	return w, err
}
