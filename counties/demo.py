"""Demo pilots in two batches across several leagues, and one demo user per role."""

from .models import County, League, PilotDesignation, Role, User
from .services import designate_pilots

# Batch 1 ran 2023–2025 (designated 2022); batch 2 runs 2025–2027 (designated 2024).
BATCH_1 = ["150121", "150222", "150425", "150621", "150721", "152502"]
BATCH_2 = ["150122", "150429", "150525", "150627", "150821", "152921"]

DEMO_COUNTY = "150121"  # 土默特左旗
DEMO_LEAGUE = "150100"  # 呼和浩特市

DEMO_USERS = [
    # username, password, role, county code, league code, display name
    ("region", "Region-Demo-2026", Role.REGION_STAFF, None, None, "自治区知识产权局"),
    ("league", "League-Demo-2026", Role.LEAGUE_STAFF, None, DEMO_LEAGUE, "呼和浩特市知识产权局"),
    ("county", "County-Demo-2026", Role.COUNTY_STAFF, DEMO_COUNTY, None, "土默特左旗知识产权局"),
    ("auditor", "Auditor-Demo-2026", Role.AUDITOR, None, None, "审计监督"),
]


def seed(stdout):
    designate_pilots(BATCH_1, start_year=2023, end_year=2025, batch=1, designation_year=2022)
    PilotDesignation.objects.filter(county__code__in=BATCH_1[:4]).update(
        status=PilotDesignation.Status.PASSED
    )
    designate_pilots(BATCH_2, start_year=2025, end_year=2027, batch=2, designation_year=2024)
    stdout.write("Demo users (username / password):")
    for username, password, role, county_code, league_code, display in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.role = role
        user.first_name = display
        user.county = County.objects.get(code=county_code) if county_code else None
        user.league = League.objects.get(code=league_code) if league_code else None
        user.is_staff = user.is_superuser = role == Role.REGION_STAFF
        user.set_password(password)
        user.save()
        stdout.write(f"  {username:8} / {password:18} {role.label}")
