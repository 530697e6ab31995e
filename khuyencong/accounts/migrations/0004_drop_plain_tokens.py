# The API tokens moved to django-rest-knox (hashed, expiring): the old table of DRF's
# authtoken app kept every token in clear. Drop it where an older installation has it;
# its holders get a new token from POST /api/v1/auth/token/.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_security_events")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
