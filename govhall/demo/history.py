"""The catalog's history in the demo: 下放 to the 苏木镇 and 划转 to the 行政审批局 (ORG-4).

The county's 2021 report (seeds/001) names the five departments whose items went down to the
苏木镇 (自然资源、农牧和科技、林业和草原、交通、住建); the `dl` rows of their tables are those items.
A county that sets up a 行政审批局 moves licences to it department by department (seeds/004: 143
items from 13 departments); the demo moves a smaller, realistic share from six departments.
"""

CREATE_REASON = "依据《新巴尔虎右旗政务服务事项实施清单》录入"
DELEGATE_REASON = "依据《新巴尔虎右旗人民政府关于向苏木镇下放部分旗级行政权力事项的决定》，“{name}”下放至{town}人民政府实施"
RELOCATE_REASON = "下放后由{centre}受理，更新办理地点和咨询电话"
TRANSFER_REASON = (
    "依据《新巴尔虎右旗相对集中行政许可权改革实施方案》，{department}的“{name}”划转至旗行政审批和政务服务局，实行“一枚印章管审批”，人随事走"
)

# department key → names of the items it hands over to the 行政审批和政务服务局.
TRANSFERS: dict[str, list[str]] = {
    "zjj": ["建筑工程施工许可证核发", "商品房预售许可", "城镇污水排入排水管网许可"],
    "jtj": [
        "道路旅客运输经营许可",
        "道路货物运输经营许可（除使用4500千克及以下普通货运车辆外）",
        "巡游出租汽车经营许可",
        "网络预约出租汽车经营许可",
    ],
    "wltj": ["营业性演出审批", "娱乐场所从事娱乐场所经营活动审批", "互联网上网服务营业场所经营单位设立审批"],
    "wjw": ["公共场所卫生许可", "饮用水供水单位卫生许可"],
    "nmj": ["兽药经营许可证核发", "动物诊疗许可证核发"],
    "mzj": ["社会团体成立登记", "民办非企业单位成立登记"],
}
