package demo

import (
	"context"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/oversight"
	"qinqing/db/register"
	"sort"
	"time"
)

// DemoReceipt is a demo report's receipt code, printed at start so that a visitor can
// play the reporter at /track.
type Receipt struct {
	Number, Receipt string
	Stage           appeal.Stage
}

// demoReport is one scripted report from the public.
type demoReport struct {
	key, about, category, title, content, name, phone string
}

var demoReports = []demoReport{
	{"new-anon", "市市场监督管理局", "吃拿卡要", "食品经营许可现场核查时暗示购买指定设备",
		"核查人员在现场说我们的冷柜“不达标”，推荐了一家公司的设备，说买了就能通过。我们的冷柜是去年新买的。", "", ""},
	{"new-named", "市住房和城乡建设局", "办事拖沓", "施工许可材料齐全仍被要求反复补正",
		"施工许可申请一个月内被退回三次，每次只指出一个问题，不一次性告知，工期已经耽误。", "李建国", "13904271234"},
	{"verifying", "市城市管理综合行政执法局", "推拖绕", "店招审批在两个科室之间来回推诿",
		"门头牌匾设置申请，审批科说归执法科管，执法科说归审批科，跑了五趟没有结果。", "", ""},
	{"verifying-named", "市自然资源局", "服务意识不强", "窗口人员态度生硬拒绝解释退件原因",
		"不动产登记窗口退件时不说明原因，问多了就说“自己去看规定”，态度很差。", "王秀英", "15842771234"},
	{"rectifying", "兴隆台区人民政府", "推拖绕", "园区水电配套承诺迟迟不兑现",
		"招商时承诺的水电配套到现在没有动工，找街道说找区里，找区里说找街道。", "", ""},
	{"supervised", "市市场监督管理局", "吃拿卡要", "执法检查人员在企业用餐后要求报销",
		"上月专项检查期间，检查组在我们食堂用餐后还要求我们开具餐费发票给他们报销。", "", ""},
	{"feedback", "市税务局", "服务意识不强", "办税服务厅预约号被黄牛倒卖",
		"网上预约一直约不到号，现场有人卖号，二百元一个，服务厅工作人员视而不见。", "", ""},
	{"feedback-dismissed", "市交通运输局", "办事拖沓", "道路运输证年审拖延",
		"道路运输证年审材料交上去两周没有结果，影响车辆正常运营。", "张海涛", "13998761234"},
	{"closed", "市消防救援支队", "吃拿卡要", "消防验收要求使用指定检测机构",
		"消防验收时被告知必须找某家检测机构出报告，价格是市场价的两倍。", "", ""},
	{"closed-redone", "大洼区人民政府", "推拖绕", "企业用地手续办理久拖不决",
		"用地预审材料报送后半年没有进展，每次询问都说在走流程。", "赵德明", "13804279876"},
}

// demoAct is one scripted step of the oversight demo.
type demoAct struct {
	at  time.Time
	key string
	run func(t *db.Tx, id int64) error
}

// BuildDemoOversight adds what the discipline office works on: reports in every stage
// with receipts, public replies and messages, an identity reveal, suspicious closures,
// extension chains, an accountability record, typical cases and last month's sample.
func BuildOversight(ctx context.Context, d *db.DB, k *db.Keys) ([]Receipt, error) {
	cast, err := castOf(ctx, d)
	if err != nil {
		return nil, err
	}
	now := d.Now().Truncate(time.Second)
	p := &demoScript{c: cast, k: k, now: now, ids: map[string]int64{}, codes: map[string]string{}}
	p.reports()
	p.suspicious()
	sort.SliceStable(p.steps, func(i, j int) bool { return p.steps[i].at.Before(p.steps[j].at) })
	err = d.Update(ctx, func(tx *db.Tx) error {
		for _, s := range p.steps {
			tx.Now = s.at
			if err := s.run(tx, p.ids[s.key]); err != nil {
				return fmt.Errorf("db: demo oversight %s: %w", s.key, err)
			}
		}
		tx.Now = now.Add(-20 * time.Minute)
		month := oversight.LastMonth(now)
		start, end, _ := oversight.MonthRange(month)
		picked, err := oversight.DrawSampleTx(tx, cast.auditor, month, start, end, oversight.DefaultSampleSize)
		if db.ErrorCode(err) == db.ECONFLICT {
			return nil
		} else if err != nil {
			return err
		}
		for i, id := range picked {
			if i >= 4 {
				break
			}
			tx.Now = now.Add(time.Duration(i-10) * time.Minute)
			// Some of the sample may have been reopened by an audit of the demo year.
			if err := p.act(tx, cast.auditor, id, appeal.ActionInput{Action: appeal.ActAudit, Verdict: "pass", Note: "电话回访企业，确认问题已解决"}); err != nil && db.ErrorCode(err) != db.ECONFLICT {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []Receipt
	for _, key := range []string{"verifying", "feedback", "closed"} {
		ap, err := appeal.FindOn(d.R(ctx), db.SystemActor, p.ids[key])
		if err != nil {
			return nil, err
		}
		out = append(out, Receipt{Number: ap.Number, Receipt: p.codes[key], Stage: ap.Stage})
	}
	return out, nil
}

type demoScript struct {
	c     *demoCast
	k     *db.Keys
	now   time.Time
	ids   map[string]int64
	codes map[string]string
	steps []demoAct
}

func (p *demoScript) at(ago time.Duration, key string, run func(t *db.Tx, id int64) error) {
	p.steps = append(p.steps, demoAct{at: p.now.Add(-ago), key: key, run: run})
}

// act takes an action on the appeal's current version.
func (p *demoScript) act(t *db.Tx, a db.Actor, id int64, in appeal.ActionInput) error {
	if a.Role == db.RolePublic {
		a = oversight.Reporter(id)
	}
	if err := t.QueryRow("SELECT version FROM appeals WHERE id = ?", id).Scan(&in.Version); err != nil {
		return err
	}
	_, err := appeal.ActTx(t, a, id, in)
	return err
}

// do schedules an action on a scripted appeal.
func (p *demoScript) do(ago time.Duration, key string, a db.Actor, in appeal.ActionInput) {
	p.at(ago, key, func(t *db.Tx, id int64) error { return p.act(t, a, id, in) })
}

func days(n float64) time.Duration { return time.Duration(n * 24 * float64(time.Hour)) }

func (p *demoScript) reports() {
	aud, pub := p.c.auditor, db.Actor{Role: db.RolePublic}
	for _, r := range demoReports {
		r := r
		filed := map[string]float64{"new-anon": 0.1, "new-named": 1, "verifying": 3, "verifying-named": 4, "rectifying": 6,
			"supervised": 12, "feedback": 9, "feedback-dismissed": 5, "closed": 25, "closed-redone": 28}[r.key]
		p.at(days(filed), r.key, func(t *db.Tx, _ int64) error {
			about := p.c.deptIDs[r.about]
			ap, err := appeal.FileAppeal(t, oversight.Reporter(0), appeal.Input{Title: r.title, Content: r.content, Category: r.category,
				Source: appeal.SourceReport, Tier: appeal.TierFast, Confidential: true, ContactName: r.name, ContactPhone: r.phone, AboutDepartmentID: &about})
			if err != nil {
				return err
			}
			code, err := oversight.NewReceipt()
			if err != nil {
				return err
			}
			verifier, err := register.HashPassword(code)
			if err != nil {
				return err
			}
			p.ids[r.key], p.codes[r.key] = ap.ID, code
			_, err = t.Exec("INSERT INTO report_receipts (appeal_id, bucket, verifier) VALUES (?, ?, ?)", ap.ID, oversight.ReceiptBucket(p.k, code), verifier)
			return err
		})
		if r.key == "new-anon" || r.key == "new-named" {
			continue
		}
		p.do(days(filed-0.2), r.key, aud, appeal.ActionInput{Action: appeal.ActAccept})
		p.do(days(filed-0.25), r.key, aud, appeal.ActionInput{Action: appeal.ActComment, Public: true, Note: "您的举报已受理，我们将依规核查，请耐心等待。"})
	}
	p.do(days(2.5), "verifying", aud, appeal.ActionInput{Action: appeal.ActComment, Note: "内部：先调取审批系统流转记录，暂不惊动当事科室。"})
	p.do(days(2.8), "verifying", pub, appeal.ActionInput{Action: appeal.ActComment, Note: "补充：第三次去时是周四下午，接待人员姓刘。"})
	p.at(days(3.5), "verifying-named", func(t *db.Tx, id int64) error {
		var number string
		if err := t.QueryRow("SELECT number FROM appeals WHERE id = ?", id).Scan(&number); err != nil {
			return err
		}
		return oversight.AuditReveal(t, p.c.auditor, id, number, "需要联系举报人补充退件通知书原件")
	})
	for key, dept := range map[string]string{"rectifying": "市营商环境建设局（市数据局）", "supervised": "市营商环境建设局（市数据局）",
		"feedback": "市营商环境建设局（市数据局）", "closed": "市应急管理局", "closed-redone": "市自然资源局"} {
		id := p.c.deptIDs[dept]
		filed := map[string]float64{"rectifying": 5.5, "supervised": 11, "feedback": 8.5, "closed": 24, "closed-redone": 27}[key]
		p.do(days(filed), key, aud, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &id, Note: "请依规核查并报告整改结果"})
	}
	p.do(days(4), "rectifying", pub, appeal.ActionInput{Action: appeal.ActComment, Note: "补充：街道办经办人曾书面答复“年内动工”，我有照片。"})
	p.do(days(3.9), "rectifying", aud, appeal.ActionInput{Action: appeal.ActComment, Public: true, Note: "已收到补充材料，已转交承办单位一并核查。"})
	p.do(days(4), "supervised", aud, appeal.ActionInput{Action: appeal.ActSupervise, Note: "请在期限内查清事实并报送处理意见。", DueAt: p.now.Add(days(3)).Format(time.RFC3339)})
	p.do(days(6), "feedback", aud, appeal.ActionInput{Action: appeal.ActReport, Note: "经核查，服务厅已联合公安打击倒号行为，预约系统增加实名校验，相关值班人员已批评教育。"})
	p.do(days(3), "feedback-dismissed", aud, appeal.ActionInput{Action: appeal.ActDismiss, Note: "经核查，年审材料缺少车辆技术等级评定报告，窗口已一次性告知，补齐后当日办结。"})
	p.do(days(20), "closed", aud, appeal.ActionInput{Action: appeal.ActReport, Note: "经核查属实，已责令消防救援支队纠正指定检测机构做法，对相关人员诫勉谈话。"})
	yes := true
	p.do(days(19), "closed", pub, appeal.ActionInput{Action: appeal.ActRate, Resolved: &yes, Satisfaction: "satisfied", Note: "处理及时，谢谢"})
	p.do(days(18.5), "closed", aud, appeal.ActionInput{Action: appeal.ActClose})
	no := false
	p.do(days(22), "closed-redone", aud, appeal.ActionInput{Action: appeal.ActReport, Note: "已督促区自然资源分局加快办理。"})
	p.do(days(21), "closed-redone", pub, appeal.ActionInput{Action: appeal.ActRate, Resolved: &no, Satisfaction: "unsatisfied", Note: "只是催了一下，手续还是没动"})
	p.do(days(14), "closed-redone", aud, appeal.ActionInput{Action: appeal.ActReport, Note: "用地预审已于本周批复，区自然资源分局对延误作出书面说明并致歉。"})
	p.do(days(13), "closed-redone", pub, appeal.ActionInput{Action: appeal.ActRate, Resolved: &yes, Satisfaction: "basic"})
	p.do(days(12.5), "closed-redone", aud, appeal.ActionInput{Action: appeal.ActClose})
	p.at(days(18), "closed", func(t *db.Tx, id int64) error {
		dept := p.c.deptIDs["市消防救援支队"]
		in := oversight.AccountabilityInput{SubjectType: "person", PersonName: "孙某", PersonTitle: "防火监督科科长", DepartmentID: &dept, Measure: "诫勉",
			Facts: "在消防验收中要求企业使用指定检测机构，增加企业负担。", DecidedOn: p.now.Add(-days(18)).In(db.Zone).Format(db.DateLayout)}
		if _, err := oversight.InsertAccountability(t, p.c.auditor, in, []int64{id}); err != nil {
			return err
		}
		c := oversight.TypicalCase{Title: "消防验收指定检测机构被诫勉",
			Summary: "某企业反映，消防验收时被要求使用指定检测机构，收费为市场价两倍。经核查属实，责令纠正，对防火监督科科长孙某予以诫勉。",
			Lesson:  "行政审批和验收中不得指定中介机构，不得变相增加企业负担。"}
		_, err := oversight.InsertCase(t, p.c.auditor, id, &c, true)
		return err
	})
}

// suspicious scripts ordinary appeals that the workspace should flag: a report within
// minutes of assignment, a one-line report without evidence, a closure after 不满意 with
// no new report, and extension chains.
func (p *demoScript) suspicious() {
	office := p.c.office
	type plan struct {
		key, dept, title, content string
		filed                     float64
	}
	plans := []plan{
		{"quick", "市市场监督管理局", "个体工商户变更登记系统反复报错", "办理经营范围变更时系统一直提示“信息校验失败”，窗口说是系统问题让等通知。", 20},
		{"thin", "国网盘锦供电公司", "新厂房临时用电接入迟迟未批", "新厂房临时用电申请提交十天，仍未安排现场勘查。", 16},
		{"unsat", "市人力资源和社会保障局", "稳岗返还资金未到账", "去年申报的稳岗返还资金，公示名单中有我们企业，但至今没有到账。", 30},
		{"chain", "市住房和城乡建设局", "竣工联合验收排期过长", "项目已具备竣工验收条件，联合验收排期到两个月后，影响投产。", 26},
		{"chain2", "盘锦燃气公司", "工业燃气开口费标准不明", "燃气公司收取的开口费没有公开标准，要求说明依据。", 22},
		{"returned", "市生态环境局", "危废转移联单审批卡在部门之间", "危险废物转移联单申请在生态环境和交通运输两个部门之间来回退，半个月没有结果。", 18},
	}
	for i, pl := range plans {
		pl, firm := pl, p.c.enterprises[(i*97+13)%len(p.c.enterprises)]
		ent := db.Actor{Name: firm.name, Role: db.RoleEnterprise, EnterpriseID: firm.id}
		dept := p.c.deptIDs[pl.dept]
		handler := p.c.departments[pl.dept]
		p.at(days(pl.filed), pl.key, func(t *db.Tx, _ int64) error {
			ap, err := appeal.FileAppeal(t, office, appeal.Input{Title: pl.title, Content: pl.content, Category: "审批服务", Source: appeal.SourceHotline,
				Tier: appeal.TierFast, EnterpriseID: &firm.id, ContactName: "企业联系人", ContactPhone: "13904270000"})
			if err == nil {
				p.ids[pl.key] = ap.ID
			}
			return err
		})
		p.do(days(pl.filed-0.1), pl.key, office, appeal.ActionInput{Action: appeal.ActAccept})
		yes, no := true, false
		switch pl.key {
		case "quick":
			p.do(days(pl.filed-0.2), pl.key, office, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &dept})
			p.do(days(pl.filed-0.2)-7*time.Minute, pl.key, handler, appeal.ActionInput{Action: appeal.ActReport, Note: "已按要求整改完毕。"})
			p.do(days(pl.filed-1), pl.key, ent, appeal.ActionInput{Action: appeal.ActRate, Resolved: &yes, Satisfaction: "basic"})
			p.do(days(pl.filed-1.5), pl.key, office, appeal.ActionInput{Action: appeal.ActClose})
		case "thin":
			p.do(days(pl.filed-0.2), pl.key, office, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &dept})
			p.do(days(pl.filed-3), pl.key, handler, appeal.ActionInput{Action: appeal.ActReport, Note: "已解决。"})
			p.do(days(pl.filed-4), pl.key, ent, appeal.ActionInput{Action: appeal.ActRate, Resolved: &yes, Satisfaction: "satisfied"})
			p.do(days(pl.filed-4.5), pl.key, office, appeal.ActionInput{Action: appeal.ActClose})
		case "unsat":
			p.do(days(pl.filed-1), pl.key, office, appeal.ActionInput{Action: appeal.ActDismiss, Note: "经查资金已拨付至企业基本户。"})
			p.do(days(pl.filed-3), pl.key, ent, appeal.ActionInput{Action: appeal.ActRate, Resolved: &no, Satisfaction: "unsatisfied", Note: "银行流水里没有这笔钱"})
			p.do(days(pl.filed-4), pl.key, office, appeal.ActionInput{Action: appeal.ActDismiss, Note: "再次核实，资金已拨付。"})
			p.do(days(pl.filed-6), pl.key, ent, appeal.ActionInput{Action: appeal.ActRate, Resolved: &no, Satisfaction: "basic"})
			p.do(days(pl.filed-7), pl.key, office, appeal.ActionInput{Action: appeal.ActClose})
		case "returned":
			other := p.c.deptIDs["市交通运输局"]
			otherHandler := p.c.departments["市交通运输局"]
			for j, d := range []struct {
				id      *int64
				handler db.Actor
			}{{&dept, handler}, {&other, otherHandler}} {
				ago := days(pl.filed - 0.3 - float64(j)*2)
				p.do(ago, pl.key, office, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: d.id})
				p.do(ago-days(1), pl.key, d.handler, appeal.ActionInput{Action: appeal.ActReturn, Note: "不属于本单位职责",
					Basis: "《盘锦市市级部门权责清单》危险废物转移审批事项"})
			}
			p.do(days(pl.filed-5), pl.key, office, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &dept, Note: "经研究由市生态环境局牵头办理"})
		case "chain", "chain2":
			p.do(days(pl.filed-0.2), pl.key, office, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &dept})
			for j, d := range []int{7, 10, 15} {
				ago := days(pl.filed - 3 - float64(j)*6)
				p.do(ago, pl.key, handler, appeal.ActionInput{Action: appeal.ActRequestExtension, Days: d, Note: "需协调多个部门联合办理"})
				if pl.key == "chain" || j == 0 {
					p.do(ago-time.Hour, pl.key, office, appeal.ActionInput{Action: appeal.ActApproveExtension})
				} else {
					p.do(ago-time.Hour, pl.key, office, appeal.ActionInput{Action: appeal.ActDenyExtension, Note: "已多次延期，请按期办结"})
				}
			}
		}
	}
}
