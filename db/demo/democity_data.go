package demo

// The tables below describe 盘锦 as the demo city presents it. Bodies and
// roads follow the real city closely enough to be recognised by people who
// work there; every enterprise and person is invented.

// demoDepartments are the bodies that rectify appeals, in the order an
// administrator would expect to find them: functional bureaus first, then
// utilities, then the district and county governments.
var demoDepartments = []Department{
	{"市发展和改革委员会", "职能部门"},
	{"市工业和信息化局", "职能部门"},
	{"市商务局", "职能部门"},
	{"市财政局", "职能部门"},
	{"市人力资源和社会保障局", "职能部门"},
	{"市自然资源局", "职能部门"},
	{"市生态环境局", "职能部门"},
	{"市住房和城乡建设局", "职能部门"},
	{"市交通运输局", "职能部门"},
	{"市水利局", "职能部门"},
	{"市农业农村局", "职能部门"},
	{"市文化旅游和广播电视局", "职能部门"},
	{"市卫生健康委员会", "职能部门"},
	{"市教育局", "职能部门"},
	{"市应急管理局", "职能部门"},
	{"市市场监督管理局", "职能部门"},
	{"市营商环境建设局（市数据局）", "职能部门"},
	{"市城市管理综合行政执法局", "职能部门"},
	{"市金融发展局", "职能部门"},
	{"市公安局", "职能部门"},
	{"市税务局", "职能部门"},
	{"市消防救援支队", "职能部门"},
	{"国网盘锦供电公司", "公用事业"},
	{"盘锦水务集团", "公用事业"},
	{"盘锦燃气公司", "公用事业"},
	{"辽宁港口集团盘锦港", "公用事业"},
	{"双台子区人民政府", "区县政府"},
	{"兴隆台区人民政府", "区县政府"},
	{"大洼区人民政府", "区县政府"},
	{"盘山县人民政府", "区县政府"},
	{"辽东湾新区管委会", "区县政府"},
	{"高新区管委会", "区县政府"},
}

// demoLeaderPost is a post in the liaison roster. Load bounds how many
// enterprises its holder carries: the secretary and the mayor keep a token
// handful, district heads and bureau chiefs carry the bulk. District, when
// set, is where the holder's enterprises are drawn from first, as a district
// head naturally looks after firms on home ground.
type demoLeaderPost struct {
	Title    string
	min, max int
	District string
}

// demoLeaderPosts has exactly 40 posts.
var LeaderPosts = []demoLeaderPost{
	{"市委书记", 10, 12, ""},
	{"市委副书记、市长", 10, 12, ""},
	{"市委副书记", 12, 18, ""},
	{"市委常委、常务副市长", 12, 18, ""},
	{"市委常委、秘书长", 12, 18, ""},
	{"副市长", 12, 18, ""},
	{"副市长", 12, 18, ""},
	{"副市长", 12, 18, ""},
	{"副市长", 12, 18, ""},
	{"副市长", 12, 18, ""},
	{"市人大常委会副主任", 12, 18, ""},
	{"市人大常委会副主任", 12, 18, ""},
	{"市政协副主席", 12, 18, ""},
	{"市政协副主席", 12, 18, ""},
	{"双台子区委书记", 14, 22, "双台子区"},
	{"双台子区区长", 16, 25, "双台子区"},
	{"兴隆台区委书记", 14, 22, "兴隆台区"},
	{"兴隆台区区长", 16, 25, "兴隆台区"},
	{"大洼区委书记", 14, 22, "大洼区"},
	{"大洼区区长", 16, 25, "大洼区"},
	{"盘山县委书记", 14, 22, "盘山县"},
	{"盘山县县长", 16, 25, "盘山县"},
	{"辽东湾新区管委会主任", 16, 25, "辽东湾新区"},
	{"高新区管委会主任", 16, 25, ""},
	{"市发展和改革委员会主任", 14, 25, ""},
	{"市工业和信息化局局长", 14, 25, ""},
	{"市商务局局长", 14, 25, ""},
	{"市营商环境建设局局长", 14, 25, ""},
	{"市市场监督管理局局长", 14, 25, ""},
	{"市自然资源局局长", 14, 25, ""},
	{"市住房和城乡建设局局长", 14, 25, ""},
	{"市交通运输局局长", 14, 25, ""},
	{"市生态环境局局长", 14, 25, ""},
	{"市应急管理局局长", 14, 25, ""},
	{"市农业农村局局长", 14, 25, ""},
	{"市财政局局长", 14, 25, ""},
	{"市人力资源和社会保障局局长", 14, 25, ""},
	{"市金融发展局局长", 14, 25, ""},
	{"市水利局局长", 14, 25, ""},
	{"市文化旅游和广播电视局局长", 14, 25, ""},
}

// demoDistrict is a district or county of 盘锦 with its administrative
// division code. 辽东湾新区 is a functional zone without a code of its own,
// so its firms register under the city code 211100.
type demoDistrict struct {
	name   string
	region string
	roads  []string
}

// demoDistricts is indexed by the weights in demoIndustry.districts.
var demoDistricts = []demoDistrict{
	{"双台子区", "211102", []string{"红旗大街", "建设街", "胜利街", "双台子路", "辽河北路", "新生路", "民主街", "永安路"}},
	{"兴隆台区", "211103", []string{"石油大街", "惠宾大街", "市府大路", "泰山路", "中华路", "兴隆台街", "双兴路", "渤海路", "天池路", "工农路"}},
	{"大洼区", "211104", []string{"向海大道", "田庄台路", "锦沟路", "大洼大街", "新立路", "荣兴街", "榆树路"}},
	{"盘山县", "211122", []string{"太平路", "盘山大街", "胡家路", "沙岭街", "高升路", "甜水路", "坝墙子路"}},
	{"辽东湾新区", "211100", []string{"辽滨大道", "港城大道", "海洋大街", "石化大街", "滨海路", "临港路", "光明路"}},
}

// demoIndustry is a sector of the city's economy. Weight is its share of the
// 680 firms; words are the trade words a firm in it puts in its name;
// districts weighs where such firms sit (petrochemicals by the sea, rice and
// crabs in the paddy counties); upShare is the percentage above the
// statistical threshold (规上), high where plants are large.
type demoIndustry struct {
	name      string
	weight    int
	words     []string
	districts [5]int
	upShare   int
}

var demoIndustries = []demoIndustry{
	{"石油化工", 12, []string{"石化", "石油化工", "炼化", "油气技术服务", "沥青"}, [5]int{1, 4, 2, 1, 4}, 40},
	{"精细化工", 10, []string{"精细化工", "化工科技", "化学", "助剂"}, [5]int{1, 2, 2, 1, 5}, 35},
	{"新材料", 7, []string{"新材料", "高分子材料", "特种材料", "复合材料"}, [5]int{1, 2, 2, 1, 4}, 30},
	{"装备制造", 9, []string{"石油装备", "机械制造", "重工", "阀门", "钻采设备"}, [5]int{2, 4, 2, 1, 2}, 25},
	{"船舶及海工", 4, []string{"船舶重工", "海洋工程", "船业", "海工装备"}, [5]int{0, 1, 2, 0, 5}, 40},
	{"港口物流", 6, []string{"港口物流", "国际物流", "仓储", "供应链管理", "货运代理"}, [5]int{1, 2, 1, 0, 5}, 25},
	{"现代农业", 9, []string{"米业", "农业发展", "河蟹科技", "生态农业", "水产", "苇业"}, [5]int{1, 0, 4, 5, 0}, 10},
	{"食品加工", 6, []string{"食品", "粮油", "米业加工", "蟹业食品"}, [5]int{2, 2, 3, 3, 1}, 20},
	{"文旅", 5, []string{"文化旅游", "湿地旅游", "酒店管理", "文化传媒"}, [5]int{2, 3, 3, 2, 1}, 10},
	{"商贸", 10, []string{"商贸", "贸易", "百货", "商业管理"}, [5]int{4, 5, 2, 2, 1}, 10},
	{"建筑", 8, []string{"建设工程", "建筑安装", "路桥工程", "市政工程"}, [5]int{3, 4, 2, 2, 1}, 20},
	{"医药", 3, []string{"医药", "生物科技", "药业", "医疗器械"}, [5]int{2, 3, 1, 1, 2}, 20},
	{"新能源", 5, []string{"新能源", "光伏科技", "氢能科技", "风电", "储能科技"}, [5]int{1, 2, 2, 2, 3}, 25},
	{"数字经济", 6, []string{"信息技术", "数字科技", "软件", "网络科技", "智能科技"}, [5]int{2, 5, 1, 0, 2}, 10},
}
