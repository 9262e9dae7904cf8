# Le bureau de la formation en crise : prestataires, contrats, perturbations, coûts.

session-status-postponed = Reportée (nouvelle date à fixer)

disruption-action-cancel = Annuler
disruption-action-online = Passer en ligne
disruption-action-postpone = Reporter (date à fixer)
disruption-action-reschedule = Reprogrammer
disruption-was-cancel = annulée
disruption-was-online = passée en ligne
disruption-was-postpone = reportée
disruption-was-reschedule = reprogrammée
disruption-status-applied = Appliquée, annulable jusqu'au départ des avis
disruption-status-sent = Avis envoyés
disruption-status-undone = Annulée

notice-disrupted-cancel-subject = Session annulée : { $course }
notice-disrupted-cancel-body = Bonjour { $name },

  La session « { $course } » du { $when } est annulée. { $calendar }

  { $link }
notice-disrupted-online-subject = Session en ligne : { $course }
notice-disrupted-online-body = Bonjour { $name },

  La session « { $course } » du { $when } aura lieu en ligne, aux mêmes dates ; le lien de connexion est sur la page de la session. { $calendar }

  { $link }
notice-disrupted-postpone-subject = Session reportée : { $course }
notice-disrupted-postpone-body = Bonjour { $name },

  La session « { $course } » du { $when } est reportée à une date à fixer. Vous gardez votre place, dans votre ordre d'inscription, et serez invité(e) en priorité quand les nouvelles dates seront connues. { $calendar }

  { $link }
notice-disrupted-reschedule-subject = Nouvelles dates : { $course }
notice-disrupted-reschedule-body = Bonjour { $name },

  La session « { $course } » a de nouvelles dates : { $when }. Vous gardez votre inscription. { $calendar } Si ces dates ne vous conviennent pas, annulez votre inscription depuis la page de la session.

  { $link }

provider-kind-trainer = Formateur
provider-kind-venue = Lieu
provider-kind-hotel = Hôtel
provider-kind-other = Autre
provider-term-step = { $percent } % jusqu'à { $days } jours avant
provider-term-after = 100 % ensuite
provider-notice-subject = Sessions modifiées : ce qui est libéré et ce qui est dû
provider-notice-body = Bonjour { $name },

  En raison de la situation sanitaire, l'institut modifie les sessions suivantes pour lesquelles vous êtes engagé :

  { $lines }
  Total dû selon les conditions d'annulation de vos contrats : { $owed }.

  Merci d'accuser réception : { $acknowledge }
  Indiquez vos disponibilités pour les mois à venir et proposez de nouvelles dates : { $availability }

  Ces liens sont personnels, ne servent qu'une fois et expirent dans { $days } jours.
provider-notice-released = libéré, { $percent } % dû, soit { $amount }
provider-notice-kept = maintenu, rien n'est dû

provider-error-text = Ce champ est obligatoire (200 caractères au plus).
provider-error-language = Langue inconnue : utilisez fr ou en.
provider-error-amount = Le montant doit être positif.
provider-error-terms-count = Vingt paliers d'annulation au plus.
provider-error-terms-range = Chaque palier donne un nombre de jours entre 0 et 3650 et un pourcentage entre 0 et 100.
provider-error-terms-overlap = Deux paliers d'annulation portent sur le même nombre de jours.
provider-error-terms-decreasing = Les conditions d'annulation ne peuvent pas coûter moins en se rapprochant de la session.
provider-error-sessions = Un contrat porte sur une à 500 sessions.
provider-error-unknown-session = Session inconnue.
provider-error-link-used = Ce lien a déjà servi. Demandez-en un nouveau au bureau de la formation.
provider-error-link-expired = Ce lien a expiré. Demandez-en un nouveau au bureau de la formation.
provider-error-month = Mois invalide : utilisez AAAA-MM.
provider-error-proposal-past = Une date proposée est déjà passée.

disruption-error-range = La fin de la période doit suivre son début.
disruption-error-empty-selection = Choisissez une période, un filtre ou des sessions.
disruption-error-too-many = Plus de 2 000 sessions : resserrez la sélection.
disruption-error-nothing-selected = Aucune session à venir ne correspond à cette sélection.
disruption-error-not-selected = La session { $session } ne fait pas partie de la sélection.
disruption-error-video-link = Donnez le lien de visioconférence des sessions passées en ligne.
disruption-error-new-dates = Donnez les nouvelles dates de chaque session reprogrammée.
disruption-error-past = La nouvelle date est déjà passée.
disruption-error-beyond-plan = La nouvelle date dépasse la fin du plan de formation ({ $end }).
disruption-error-notices-left = Les avis sont déjà partis : la perturbation ne peut plus être annulée.
disruption-error-already-undone = Cette perturbation a déjà été annulée.
disruption-error-later-change = Une perturbation plus récente touche ces sessions : annulez-la d'abord.

ledger-sheet-fees = Frais
ledger-sheet-providers = Par prestataire
ledger-sheet-budget-lines = Par ligne budgétaire
ledger-col-provider = Prestataire
ledger-col-kind = Type
ledger-col-contract = Contrat
ledger-col-budget-line = Ligne budgétaire
ledger-col-course = Formation
ledger-col-session = Session
ledger-col-action = Décision
ledger-col-days-before = Jours avant
ledger-col-percent = %
ledger-col-cost = Montant dû (€)
ledger-col-disruption = Perturbation

office-crisis-links = En cas de crise :
disrupt-title = Perturbations : annuler, passer en ligne, reporter
disrupt-intro = Choisissez une période et des filtres, décidez du sort de chaque session, puis prévisualisez : rien ne change avant que vous appliquiez, et vous pouvez encore tout annuler tant que les avis ne sont pas partis.
disrupt-action-all = Décision pour toutes
disrupt-video-link = Lien de visioconférence
disrupt-new-date = Nouvelle date
disrupt-find = Afficher les sessions
disrupt-none = Aucune session à venir ne correspond.
disrupt-found = Sessions trouvées :
disrupt-include = Inclure
disrupt-place = Lieu
disrupt-registrants = Inscrits
disrupt-decision = Décision
disrupt-link-or-date = Lien (en ligne) ou nouvelle date (reprogrammer)
disrupt-hint = Le lien ne sert qu'aux sessions passées en ligne, la date qu'aux sessions reprogrammées.
disrupt-preview = Prévisualiser
disrupt-recent = Dernières perturbations
disrupt-recent-none = Aucune pour l'instant.
disrupt-sessions = sessions
disrupt-people = personnes
disrupt-notices = avis
disrupt-cost = Coût :
disrupt-preview-title = Avant d'appliquer : qui et quoi est touché
disrupt-sessions-title = Sessions
disrupt-providers-title = Prestataires
disrupt-no-provider = Aucun contrat de prestataire sur ces sessions.
disrupt-owed = dû :
disrupt-terms-today = Conditions ce jour
disrupt-people-title = Personnes prévenues
disrupt-more-people = Et encore :
disrupt-apply-hint = Appliquer change les sessions en une fois. Les avis partent après
disrupt-apply = Appliquer
disrupt-back = Revenir à la sélection
disruption-title = Perturbation n° { $id }
disruption-send-at = Départ des avis
disruption-undo = Tout annuler (avant le départ des avis)
disruption-done-applied = Perturbation appliquée. Les avis partiront à l'heure indiquée.
disruption-done-undone = Perturbation annulée : les sessions sont revenues à leur état précédent et aucun avis ne partira.
ledger-title = Coûts d'annulation
ledger-intro = Les frais dus à chaque prestataire selon les conditions de ses contrats, au jour de chaque décision.
ledger-download = Télécharger le classeur (XLSX)
ledger-total = Total :
ledger-released = libéré à { $days } j : { $percent } %
ledger-kept = maintenu
providers-title = Prestataires et contrats
providers-new = Nouveau prestataire
providers-contact = Contact
providers-phone = Téléphone
providers-language = Langue des avis
providers-add = Ajouter le prestataire
provider-error-kind = Choisissez le type de prestataire.
provider-error-terms-format = Conditions illisibles : écrivez « jours:pourcentage », séparés par des virgules (ex. 30:0, 7:50).
provider-error-link-unknown = Ce lien n'existe pas. Vérifiez l'adresse ou demandez-en un nouveau au bureau de la formation.
provider-contracts = Contrats
provider-amount = Montant
provider-terms = Conditions d'annulation
provider-terms-hint = « jours:pourcentage », du plus lointain au plus proche : 30:0, 7:50 veut dire gratuit jusqu'à 30 jours avant, 50 % jusqu'à 7 jours avant, 100 % ensuite.
provider-sessions = Sessions
provider-sessions-hint = Numéros des sessions, séparés par des virgules (ex. 12, 15).
provider-new-contract = Nouveau contrat
provider-add-contract = Ajouter le contrat
provider-availability = Disponibilités déclarées
provider-link-title = Réponse au bureau de la formation
provider-link-ack-hint = Merci de confirmer que vous avez bien reçu notre avis.
provider-link-ack = J'accuse réception
provider-link-months = Pouvez-vous intervenir ces mois-ci ?
provider-link-proposals = Dates que vous proposez (facultatif)
provider-link-send = Envoyer
provider-link-thanks = Merci, votre réponse est enregistrée.
yes = Oui
no = Non

plans-title = Plans de formation
plans-none = Aucun plan pour l'instant.
plans-new = Nouveau plan
plans-period = Période
plans-capacity = Capacité (jours-stagiaires)
plans-create = Créer le plan
plan-intro = Par période et par délégation : prévu, réalisé, à venir, annulé, reporté (à replanifier) et reprogrammé.
plan-remaining = Jours-stagiaires encore disponibles :
plan-col-planned = Prévu (sessions / jours-stagiaires)
plan-col-budget = Budget prévu
plan-col-held = Réalisé
plan-col-coming = À venir
plan-col-cancelled = Annulées
plan-col-postponed = Reportées
plan-col-carried = Replanifiées (parties / arrivées)
plan-col-rescheduled = Reprogrammées
plan-total = Total
plan-national = National
plan-legend = Chaque case donne le nombre de sessions puis les jours-stagiaires (places tenues × jours).
plan-error-date = Date invalide : utilisez AAAA-MM-JJ.
plan-error-name = Un nom est obligatoire (100 caractères au plus).
plan-error-periods = Un plan a d'une à douze périodes.
plan-error-order = La fin d'une période doit suivre son début.
plan-error-overlap = Les périodes doivent se suivre sans se chevaucher.
plan-error-capacity = Les volumes doivent être positifs et raisonnables (au plus 100 000 sessions, 10 millions de jours-stagiaires).
plan-error-period = Cette période n'appartient pas au plan.
plan-error-course = Formation ou délégation inconnue.
surveys-title = Enquêtes : reprendre les déplacements ?
surveys-new = Nouvelle enquête
surveys-question = Intitulé
surveys-months = Mois demandés
surveys-delegations = Délégations interrogées (aucune cochée : tout le monde)
surveys-send = Lancer l'enquête
survey-open-title = Enquête en cours
survey-closes = clôture le
survey-intro = Pour chaque mois, dites-nous ce que vous accepteriez pour suivre une formation. Vous pouvez changer vos réponses jusqu'à la clôture ;
survey-answer = Enregistrer mes réponses
survey-thanks = Merci, vos réponses sont enregistrées.
survey-answer-headquarters = Me déplacer au siège (Paris)
survey-answer-region = Me déplacer dans ma région seulement
survey-answer-online = Suivre seulement à distance
survey-people = Personnes ayant répondu :
survey-chart = Réponses par mois, toutes délégations
survey-table-caption = Siège / région / à distance (part prête à se déplacer)
survey-error-title = Un intitulé est obligatoire (200 caractères au plus).
survey-error-months = Choisissez d'un à dix-huit mois (AAAA-MM).
survey-error-closes = La clôture doit être à venir.
survey-error-delegation = Délégation inconnue.
survey-error-audience = Cette enquête s'adresse à d'autres délégations que la vôtre.
survey-error-closed = Cette enquête est close.
survey-error-empty = Répondez pour au moins un mois.
survey-error-month = Le mois { $month } ne fait pas partie de l'enquête.
field-video-link = Lien de visioconférence

replan-title = Replanifier les sessions reportées
replan-postponed = Sessions reportées à replanifier :
replan-threshold = Part minimale d'agents prêts à se déplacer (%)
replan-gap-days = Écart minimal entre deux sessions d'une formation (jours)
replan-notice = Préavis avant la première nouvelle date (jours)
replan-run = Proposer des dates
replan-placed = placées
replan-gap = écart à l'optimum au plus
replan-summary = { $placed } sessions placées, { $unplaced } sans date. Ce plan est à au plus { $gap } % de l'optimum (coût { $objective }, borne inférieure { $bound }), calculé en { $seconds } s.
replan-method = Méthode :
replan-was = Date prévue
replan-proposed = Proposition
replan-unplaced = Pas de date possible :
replan-date = Date retenue
replan-accept = Accepter
replan-reject = Refuser
replan-back = Revenir au plan
replan-status-proposed = Proposée
replan-status-accepted = Acceptée
replan-status-rejected = Refusée
replan-done-accepted = Proposition acceptée : la session a ses nouvelles dates, ses inscrits sont prévenus en premier et les places restantes sont ouvertes.
replan-done-rejected = Proposition refusée : la session reste reportée.
replan-reason-earliest = sa date au plus tôt ({ $earliest }) tombe après la fin du plan ({ $end })
replan-reason-calendar = le calendrier (week-ends, jours fériés, août, fermetures) ne laisse pas { $days } jour(s) ouvré(s) consécutif(s) avant la fin du plan
replan-reason-trainer-unavailable = { $trainer } s'est déclaré indisponible à toutes les dates possibles
replan-reason-trainer-busy = { $trainer } anime d'autres sessions planifiées aux dates possibles
replan-reason-venue-small = il faut { $seats } places et le plus grand lieu possible en a { $largest }
replan-reason-no-venue = il faut un lieu pour { $seats } personnes et aucun lieu de la délégation n'est connu
replan-reason-venue-unavailable = aucun lieu assez grand n'est disponible aux dates possibles
replan-reason-venues-booked = les lieux assez grands sont pris par d'autres sessions aux dates possibles
replan-reason-willingness = moins de { $percent } % des agents de { $delegation } acceptent de se déplacer en { $months }
replan-reason-gap = d'autres sessions de la formation sont planifiées à moins de { $days } jours
replan-reason-part = la partie { $part } de la formation, qui doit venir avant, n'est pas placée assez tôt
replan-reason-period-full = la capacité restante de { $periods } est épuisée
replan-error-threshold = La part doit être entre 0 et 100 %.
replan-error-gap = L'écart doit être entre 0 et 365 jours.
replan-error-notice = Le préavis doit être entre 0 et 365 jours.
replan-error-plan-over = Ce plan est terminé : plus aucune date à proposer.
replan-error-nothing = Aucune session reportée à replanifier.
replan-error-problem = Les données ne permettent pas de planifier : { $detail }
replan-error-decided = Cette proposition a déjà été acceptée ou refusée.
replan-error-not-postponed = Cette session n'est plus reportée.
replan-error-no-date = Donnez une date : le planificateur n'en a pas trouvé.
provider-error-seats = Le nombre de places doit être entre 1 et 100 000.
providers-seats = Places (lieux)
providers-delegation = Délégation (lieux, hôtels)
notice-calendar-request = L'invitation jointe met votre agenda à jour.
notice-calendar-cancel = L'annulation jointe retire la session de votre agenda.
provider-notice-already = déjà libéré par une décision précédente, rien de plus n'est dû
provider-proposed = Dates proposées
disruption-error-postponed = La session { $session } est reportée : on ne peut que l'annuler ou lui donner de nouvelles dates.
disruption-error-changed = La session { $session } a changé entre-temps (un autre agent l'a modifiée) : prévisualisez de nouveau.
