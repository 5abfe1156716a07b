"""The officer's "the petitioner answered" markers move to the shared one of every job that
tells someone once (core.SentNotice, `cchc.core.notices.send_once`), keyed by the answer's
event as the job now keys them, so an answer whose message went is not told again."""

from django.db import migrations


def copy_markers(apps, schema_editor):
    ReplyNotice = apps.get_model("feedback", "ReplyNotice")
    SentNotice = apps.get_model("core", "SentNotice")
    SentNotice.objects.bulk_create(
        [
            SentNotice(key=f"feedback:reply:{n.event_id}", channel=n.channel, sent_at=n.sent_at)
            for n in ReplyNotice.objects.all()
        ],
        ignore_conflicts=True,
    )


def copy_back(apps, schema_editor):
    ReplyNotice = apps.get_model("feedback", "ReplyNotice")
    SentNotice = apps.get_model("core", "SentNotice")
    for n in SentNotice.objects.filter(key__startswith="feedback:reply:"):
        ReplyNotice.objects.get_or_create(
            event_id=int(n.key.rsplit(":", 1)[1]),
            defaults={"channel": n.channel, "sent_at": n.sent_at},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_sent_notice"),
        ("feedback", "0007_reply_notice_sent_marker"),
    ]

    operations = [
        migrations.RunPython(copy_markers, copy_back),
        migrations.DeleteModel(name="ReplyNotice"),
    ]
