"""Creates (or finds) the bench organizer, a team with every permission and its
API token, inside pretix's own Django models. Run with the venv's python and
PRETIX_CONFIG_FILE set; prints the token on the last line.

This file is ours (Relais), not pretix's: it only calls pretix's models.
"""
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")
django.setup()

from django_scopes import scopes_disabled  # noqa: E402

from pretix.base.models import Organizer, Team, TeamAPIToken  # noqa: E402

SLUG = sys.argv[1] if len(sys.argv) > 1 else "relais"

with scopes_disabled():
    org = Organizer.objects.filter(slug=SLUG).first()
    if org is None:
        # Organizer.save() sets the defaults and creates the sales channels.
        org = Organizer(slug=SLUG, name="Relais bench")
        org.save()
    team = Team.objects.filter(organizer=org, name="bench").first()
    if team is None:
        team = Team.objects.create(
            organizer=org,
            name="bench",
            all_events=True,
            all_event_permissions=True,
            all_organizer_permissions=True,
        )
    token = TeamAPIToken.objects.filter(team=team, name="bench", active=True).first()
    if token is None:
        token = TeamAPIToken.objects.create(team=team, name="bench")
    print(token.token)
