import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_organisation(apps, schema_editor):
    Triage = apps.get_model("coaching", "Triage")
    QueueItem = apps.get_model("monitoring", "QueueItem")
    Triage.objects.filter(organisation__isnull=True).update(
        organisation_id=Subquery(
            QueueItem.objects.filter(pk=OuterRef("queue_item_id")).values("organisation_id")[:1]
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ("coaching", "0003_inbox_digest_and_indexes"),
        ("onboarding", "0002_policy_policyacknowledgement_profile_strategy_and_more"),
        ("monitoring", "0002_subscription_keep_all"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="triage", name="triage_verdict_recent"),
        migrations.AddField(
            model_name="triage",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="onboarding.organisation",
            ),
        ),
        migrations.RunPython(copy_organisation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="triage",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="onboarding.organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="triage",
            index=models.Index(
                fields=["organisation", "verdict", "-decided_at"], name="triage_org_verdict"
            ),
        ),
    ]
