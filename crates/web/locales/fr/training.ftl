nav-training = Formations
nav-my-trainings = Mes formations
nav-training-office = Pilotage des formations
catalogue-title = Catalogue des formations
catalogue-search-label = Chercher une formation
catalogue-search-hint = Mots du titre, du thème ou du prestataire ; accents, majuscules et pluriels ignorés.
catalogue-sessions = Sessions à venir
catalogue-self-paced = À suivre à son rythme (e-learning et MOOC)
catalogue-summary = { $sessions } session(s) à venir, { $courses } module(s) à suivre à son rythme
all-formats = Tous les formats
seats-only = Avec des places libres
seats-left = { $n ->
    [0] Complet
    [one] 1 place
   *[other] { $n } places
  }{ $waitlisted ->
    [0] {""}
   *[other] , { $waitlisted } en attente
  }
effort-hours = environ { $h } h
format-in_person = Présentiel
format-webinar = Webinaire
format-workshop = Atelier
format-elearning = E-learning
format-mooc = MOOC
session-status-planned = Inscriptions pas encore ouvertes
session-status-open = Inscriptions ouvertes
session-status-full = Complet (liste d'attente)
session-status-closed = Inscriptions closes
session-status-held = Session passée
session-status-cancelled = Annulée
registration-status-confirmed = Inscrit·e
registration-status-pending = En attente de l'accord du responsable
registration-status-waitlisted = Sur liste d'attente
registration-status-offered = Place proposée
registration-status-cancelled = Annulée
registration-status-refused = Refusée
registered-confirmed = Votre inscription est confirmée. L'invitation arrive dans votre messagerie.
registered-pending = Votre demande attend l'accord de votre responsable.
registered-waitlisted = La session est complète : vous êtes sur la liste d'attente.
registered-offered = Une place vous est proposée.
registered-cancelled = Inscription annulée.
registered-refused = Demande refusée.
waitlist-position = rang { $n }
offer-until = à accepter avant le { $until }
field-course = Formation
field-format = Format
field-seats = Places
field-place = Lieu
field-trainers = Formateurs
field-waitlist = Liste d'attente
field-themes = Thèmes
field-audience = Public
field-provider = Prestataire
field-link = Lien
field-objectives = Objectifs
field-effort = Durée estimée
field-position = Rang
field-comment = Commentaire
field-fill = Remplissage
online = À distance
see-course = Voir la formation et ses autres sessions
your-registration = Votre inscription :
register = S'inscrire
join-waitlist = Rejoindre la liste d'attente
cancel-registration = Annuler l'inscription
accept-offer = Accepter la place
registrants = Inscrits
export-csv = Exporter en CSV (Excel)
requests-to-decide = Demandes à valider
approve = Accepter
refuse = Refuser
coming-sessions = Sessions à venir
past-sessions = Sessions passées
no-coming-sessions = Aucune session à venir.
calendar-feed = Votre agenda
calendar-feed-intro = Vos sessions confirmées, au format iCalendar.
calendar-download = Télécharger le fichier .ics
calendar-feed-create = Créer une adresse d'abonnement
calendar-feed-reset = Remplacer l'adresse d'abonnement
calendar-feed-created = Abonnez votre agenda à cette adresse secrète (elle n'est affichée qu'une fois ; la remplacer désactive l'ancienne) :
office-intro = Les sessions à venir de votre périmètre, des plus remplies aux moins remplies.
office-by-fill = Sessions par taux de remplissage
office-open-another = ouvrir une autre session ?
training-error-audience = Public inconnu : { $value }.
training-error-format = Format inconnu : utilisez in_person, webinar, workshop, elearning ou mooc.
training-error-text-too-long = Texte trop long ou contenant des caractères interdits.
training-error-duration = La durée doit être positive.
training-error-link = Le lien doit commencer par https:// ou http://.
training-error-unknown-delegation = Délégation inconnue.
training-error-unknown-site = Site inconnu.
training-error-unknown-person = Personne inconnue.
training-error-not-self-paced = Seuls les modules e-learning et les MOOC se suivent à son rythme.
training-error-not-session-based = Les modules e-learning et les MOOC n'ont pas de sessions.
training-error-time = Date invalide : utilisez le format RFC 3339, par exemple 2020-03-24T09:00:00+01:00.
training-error-end-before-start = La fin doit être après le début.
training-error-capacity = La capacité doit être un nombre entier positif.
training-error-window = La période d'inscription doit s'ouvrir avant de se fermer, et se fermer au plus tard à la fin de la session.
training-error-waitlist-mode = Mode de liste d'attente inconnu : timed_offer ou automatic.
training-error-offer-hours = Le délai d'une proposition doit être compris entre 1 heure et 30 jours.
training-error-session-cancelled = Cette session est annulée ou passée.
training-error-registration-closed = Les inscriptions à cette session ne sont pas ouvertes.
training-error-not-in-audience = Cette session n'est pas ouverte à votre profil.
training-error-already-registered = Vous êtes déjà inscrit·e à cette session.
training-error-not-active = Cette inscription est déjà annulée.
training-error-offer-lapsed = Le délai pour accepter cette place est dépassé.
training-error-no-offer = Aucune place ne vous est proposée pour cette inscription.
training-error-not-pending = Cette demande a déjà été traitée.
training-error-same-session = La personne est déjà dans cette session.
training-error-other-course = On ne peut déplacer une inscription que vers une session de la même formation.
training-error-target-full = La session visée est complète.
notice-confirmed-subject = Inscription confirmée : { $course }
notice-confirmed-body = Bonjour { $name },

  Votre inscription à « { $course } » du { $when } est confirmée. L'invitation jointe l'ajoute à votre agenda.

  { $link }
notice-moved-subject = Nouvelle date : { $course }
notice-moved-body = Bonjour { $name },

  Votre inscription à « { $course } » a été déplacée vers la session du { $when }. L'invitation jointe met votre agenda à jour.

  { $link }
notice-waitlisted-subject = Liste d'attente : { $course }
notice-waitlisted-body = Bonjour { $name },

  La session « { $course } » du { $when } est complète : vous êtes sur la liste d'attente. Si une place se libère, elle vous sera proposée par courriel.

  { $link }
notice-pending-subject = Demande envoyée : { $course }
notice-pending-body = Bonjour { $name },

  Votre demande d'inscription à « { $course } » du { $when } attend l'accord de votre responsable.

  { $link }
notice-offered-subject = Une place se libère : { $course }
notice-offered-body = Bonjour { $name },

  Une place s'est libérée pour « { $course } » du { $when }. Elle vous est réservée jusqu'au { $expires } : acceptez-la sur { $accept }

  Passé ce délai, elle sera proposée à la personne suivante.
notice-offer-lapsed-subject = Place non acceptée : { $course }
notice-offer-lapsed-body = Bonjour { $name },

  Le délai pour accepter la place de « { $course } » du { $when } est passé ; elle a été proposée à la personne suivante.
notice-refused-subject = Demande refusée : { $course }
notice-refused-body = Bonjour { $name },

  Votre responsable n'a pas validé votre inscription à « { $course } » du { $when }. { $comment }
notice-cancelled-subject = Inscription annulée : { $course }
notice-cancelled-body = Bonjour { $name },

  Votre inscription à « { $course } » du { $when } est annulée. Si vous aviez l'événement dans votre agenda, l'annulation jointe le retire.
chart-registrations-per-day = Inscriptions par jour
chart-empty = Aucune inscription pour l'instant.
chart-caption = Chaque barre est une journée ; les chiffres sont dans le tableau.
chart-table = Voir les chiffres
export-xlsx = Exporter en XLSX
open-to-me = Sessions ouvertes à mon profil
course-completed = Vous avez suivi ce module.
course-mark-completed = J'ai suivi ce module
all-themes = Tous les thèmes
field-from = Du
field-to = Au
training-error-changed-retry = Cette inscription vient d'être modifiée par quelqu'un d'autre : rechargez la page et recommencez.
register-someone = Inscrire une personne (adresse électronique)
over-capacity-reason = Motif pour dépasser la capacité
over-capacity-hint = Seulement si la session est complète : la personne est alors inscrite en plus, et le motif est journalisé.
move-to = Déplacer vers
move = Déplacer
