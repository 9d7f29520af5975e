# A try over SMTP is recorded as handed over once the server has the whole message, before
# its reply is read. Only the field's choices change: no table is rewritten.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('followup', '0004_cancel_work_of_closed_timepoints'),
    ]

    operations = [
        migrations.AlterField(
            model_name='attempt',
            name='outcome',
            field=models.CharField(choices=[('started', 'In progress'), ('handed_over', 'Handed to the mail server (reply not seen)'), ('sent', 'Sent'), ('failed', 'Failed'), ('bounced', 'Bounced'), ('interrupted', 'Interrupted (worker stopped; may have been sent)')], default='started', max_length=12),
        ),
    ]
