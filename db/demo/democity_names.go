package demo

// Pools for the invented people and firms of the demo city. They are large
// enough that 680 distinct firm names and 40 distinct leaders come out of a
// few draws each, and common enough that nothing looks made up.

// demoSurnames repeats the most frequent surnames so that, as in any
// northeastern city, 王, 李, 张 and 刘 turn up more often than 欧阳.
var demoSurnames = []string{
	"王", "王", "王", "李", "李", "李", "张", "张", "张", "刘", "刘", "刘",
	"陈", "陈", "杨", "杨", "赵", "赵", "黄", "周", "吴", "徐", "孙", "孙",
	"胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢",
	"韩", "唐", "冯", "于", "于", "董", "程", "曹", "袁", "邓", "许", "傅",
	"沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
	"叶", "阎", "潘", "杜", "戴", "夏", "钟", "田", "任", "姜", "范", "方",
	"石", "姚", "谭", "邹", "金", "陆", "郝", "孔", "白", "崔", "康", "毛",
	"秦", "史", "顾", "侯", "邵", "孟", "付", "关", "佟", "那", "鲍", "欧阳",
}

// demoGiven are characters common in given names of people now in their
// thirties to fifties; a name takes one or two of them.
var demoGiven = []string{
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
	"杰", "涛", "明", "超", "秀", "霞", "平", "刚", "建", "国", "立", "华",
	"志", "红", "海", "东", "宏", "晓", "春", "雪", "丹", "玉", "文", "斌",
	"峰", "辉", "鹏", "宇", "浩", "凯", "博", "鑫", "婷", "颖", "俊", "永",
	"庆", "德", "成", "福", "新", "振", "兴", "忠", "岩", "松", "冬", "梅",
	"亮", "波", "健", "光", "荣", "雷", "利", "民", "学", "宁", "慧", "琳",
}

// demoTradeHead and demoTradeTail make up a firm's trade name (字号), the
// two auspicious characters that Chinese firms are so fond of.
var demoTradeHead = []string{
	"鑫", "宏", "瑞", "华", "恒", "嘉", "泰", "盛", "丰", "润", "鼎", "金",
	"兴", "和", "安", "德", "佳", "永", "广", "汇", "博", "宇", "辰", "海",
	"锦", "天", "中", "正", "昌", "通", "远", "祥", "信", "诚", "万", "新",
	"北", "辽", "渤", "苇", "红", "益", "聚", "顺", "长", "东", "立", "凯",
}

var demoTradeTail = []string{
	"达", "通", "源", "泰", "盛", "丰", "利", "发", "祥", "信", "宇", "晟",
	"远", "誉", "隆", "诚", "邦", "润", "耀", "科", "河", "海", "程", "鑫",
	"晖", "博", "阳", "峰", "川", "航", "洋", "业", "茂", "旺", "辉", "禾",
}

// demoNamePrefixes are the place names a firm registers under: most use the
// city, larger ones the province.
var demoNamePrefixes = []struct {
	text   string
	weight int
}{
	{"盘锦", 68},
	{"辽宁", 22},
	{"盘锦市", 10},
}

// demoCompanyForms are the legal forms in a firm's name; joint-stock
// companies are for firms above the threshold (see newDemoEnterprise).
var demoCompanyForms = []string{"有限公司", "有限责任公司", "股份有限公司"}

// demoPhonePrefixes are mobile prefixes of the three carriers, kept to the
// 13x, 15x and 18x blocks that look like the phones of established owners.
var demoPhonePrefixes = []string{
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "159",
	"180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
}
