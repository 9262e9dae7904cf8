# Le guichet informatique (relais-desk).
nav-desk = Assistance informatique
home-banner-more = En savoir plus
nav-desk-queue = File du support
desk-new-title = Demander de l'aide
desk-new-hint = Décrivez votre problème : des articles de la base de connaissances et les incidents en cours s'affichent pendant que vous écrivez. Un objet et une description suffisent.
desk-my-title = Mes demandes
desk-unit-tickets = Demandes de mon unité
desk-kb-title = Base de connaissances
desk-kb-search = Chercher dans la base de connaissances
desk-kb-due = À relire : date de relecture passée
desk-kb-latest = Articles récents
desk-kb-new = Écrire un article
desk-queue-title = File des demandes
desk-breaches-title = Délais dépassés
desk-hotline-title = Écran d'appel de la hotline
desk-known-title = Incidents connus
desk-week-title = Semaine des interventions
desk-dashboard-title = Tableau de bord du support
desk-held-title = Courriels en attente de vérification
desk-held-hint = Ces courriels répondent à une demande mais viennent d'une adresse qui n'y figure pas. Acceptez-les pour les ajouter au fil, ou écartez-les.
desk-editor-title = Article de la base de connaissances
desk-public-title = Demande d'assistance (sans compte)
desk-public-hint = Pour les personnes extérieures à l'institut, par exemple les médecins qui utilisent l'application nationale. Vous recevrez un lien pour suivre votre demande.
desk-public-done = Votre demande est enregistrée. Un courriel vous a été envoyé avec un lien pour la suivre.
desk-link-title = Lien de suivi
desk-link-hint = Chaque courriel que nous vous envoyons contient un nouveau lien. Vous pouvez aussi répondre directement à ce courriel.
desk-link-open = Voir ma demande
desk-link-open-hint = Ce lien ne sert qu'une fois : le bouton ouvre le suivi de votre demande dans ce navigateur.
desk-staff-nav = Navigation du support
desk-known-issues-banner = Incidents en cours
desk-known-issue = Incident connu
desk-suggestions = Ces articles peuvent vous aider
desk-no-suggestion = Aucun article ne correspond pour l'instant.
desk-search-kb-first = Chercher d'abord dans la base de connaissances
desk-open-ticket = Envoyer la demande
desk-category-guess = Je ne sais pas (déduite du texte)
desk-attachments-hint = Captures d'écran, documents : 5 Mo au plus par fichier ; les programmes et scripts sont refusés.
desk-field-subject = Objet
desk-field-description = Description
desk-field-category = Catégorie
desk-field-urgency = Urgence
desk-field-priority = Priorité
desk-field-status = État
desk-field-equipment = Équipement concerné (facultatif)
desk-field-attachments = Pièces jointes
desk-field-reference = Réf.
desk-field-requester = Demandeur
desk-field-unit = Unité
desk-field-assignee = Technicien
desk-field-opened = Ouverte le
desk-field-sla = Délai
desk-field-message = Message
desk-field-words = Mots
desk-field-delegation = Délégation
desk-field-title = Titre
desk-field-keywords = Mots-clés
desk-field-markdown = Texte (Markdown)
desk-field-audience = Public
desk-field-name = Nom
desk-field-email = Courriel
desk-field-phone = Téléphone
desk-field-organisation = Organisme
desk-field-person-email = Courriel d'un agent de l'institut
desk-field-about = Objet de l'appel
desk-field-callback = Rappel dû dans (minutes)
desk-field-due = Rappel avant
desk-field-caller = Appelant
desk-field-actions = Actions
desk-field-agent = Pris par
desk-field-date = Date
desk-field-days = Nombre de jours
desk-field-tool = Outil
desk-field-session-code = Code de session
desk-field-start = Début
desk-field-end = Fin
desk-field-consent = L'utilisateur a donné son accord pour la prise en main
desk-field-site = Site
desk-field-done = Ce qui a été fait
desk-person-hint = Pour un agent de l'institut ; sinon, remplissez l'appelant extérieur ci-dessous.
desk-external-caller = Appelant extérieur
desk-callback-hint = Laissez vide si aucun rappel n'est prévu.
desk-open-ticket-with-call = Ouvrir une demande avec cet appel
desk-log-call = Noter un appel
desk-callbacks = Rappels à faire (les plus urgents d'abord)
desk-called-back = Rappelé
desk-call-log = Journal des appels
desk-thread = Échanges
desk-thread-empty = Pas encore de réponse.
desk-reply = Répondre
desk-internal-note = Note interne (invisible pour le demandeur)
desk-send = Envoyer
desk-solved = Mon problème est résolu
desk-reopen = Rouvrir la demande
desk-manage = Traiter la demande
desk-change-status = Changer l'état
desk-save = Enregistrer
desk-unassigned = Non attribuée
desk-merge-into = Fusionner dans la demande n°
desk-merge = Fusionner (doublon)
desk-merged-into = Cette demande a été fusionnée dans
desk-attach-known-issue = Rattacher à un incident connu
desk-attach = Rattacher
desk-draft-article = Faire un brouillon d'article
desk-interventions = Interventions
desk-remote-session = Prise en main à distance
desk-visit = Intervention sur site
desk-add-remote = Noter une prise en main à distance
desk-add-visit = Noter une intervention sur site
desk-held = en attente de vérification
desk-release = Accepter
desk-discard = Écarter
desk-sla-first = Première réponse
desk-sla-resolution = Résolution
desk-left = reste { $d }
desk-late-by = en retard de { $d }
desk-duration-days = { $n } j
desk-duration-hours = { $h } h { $m } min
desk-duration-minutes = { $n } min
desk-none = Rien pour l'instant.
desk-all = Toutes
desk-open-ones = En cours
desk-tickets = demande(s)
desk-results = résultat(s)
desk-draft = brouillon
desk-published = publié
desk-review-on = À relire le
desk-helpful = Cet article a répondu à ma question
desk-helpful-count = Questions résolues par cet article :
desk-thanks = Merci ! Nous comptons cela comme une demande évitée.
desk-still-need-help = Toujours besoin d'aide ? Faire une demande
desk-edit = Modifier
desk-publish = Publier un incident connu
desk-keywords-hint = Expressions séparées par des virgules ; une demande correspond si elle contient tous les mots d'une expression.
desk-resolution = Réponse envoyée à tous les demandeurs
desk-resolve-all = Résoudre toutes les demandes rattachées
desk-attached-tickets = Demandes rattachées
desk-previous-week = Semaine précédente
desk-next-week = Semaine suivante
desk-show = Afficher
desk-opened = Demandes ouvertes sur la période
desk-backlog = En cours
desk-first-answer-median = Délai médian de première réponse
desk-first-answer-mean = Délai moyen de première réponse
desk-breaches = Délais dépassés
desk-avoided = Demandes évitées (base de connaissances)
desk-total = Total
desk-chart-title = Demandes par catégorie et par jour
desk-challenge-question = Vérification anti-robot : combien font
desk-challenge-hint = Inutile si votre navigateur exécute JavaScript : il fait la vérification lui-même.
desk-weekday-0 = Lundi
desk-weekday-1 = Mardi
desk-weekday-2 = Mercredi
desk-weekday-3 = Jeudi
desk-weekday-4 = Vendredi
desk-weekday-5 = Samedi
desk-weekday-6 = Dimanche
desk-category-home_box = Box internet à domicile
desk-category-home_connection = Connexion à domicile
desk-category-videoconf = Visioconférence
desk-category-vpn = VPN
desk-category-hardware = Matériel
desk-category-account = Compte et mot de passe
desk-category-national_app = Application nationale
desk-category-other = Autre
desk-status-new = Nouvelle
desk-status-in_progress = En cours
desk-status-waiting = En attente de votre réponse
desk-status-resolved = Résolue
desk-status-closed = Close
desk-priority-low = Basse
desk-priority-normal = Normale
desk-priority-high = Haute
desk-priority-critical = Critique
desk-urgency-low = Peu urgent
desk-urgency-normal = Normal
desk-urgency-high = Urgent, je suis bloqué·e
desk-audience-public = Tout public
desk-audience-agents = Agents de l'institut
desk-audience-it_staff = Équipe informatique
desk-kind-public = réponse
desk-kind-internal = note interne
desk-kind-inbound = courriel reçu
desk-kind-event = suivi
desk-event-status = État : { $status }
desk-event-assigned = Attribution modifiée
desk-event-merged-into = Fusionnée dans la demande #{ $id }
desk-event-merged-from = La demande #{ $id } a été fusionnée ici
desk-done-opened = Votre demande est enregistrée.
desk-done-replied = Réponse envoyée.
desk-done-noted = Note ajoutée.
desk-done-status = État modifié.
desk-done-saved = Modifications enregistrées.
desk-done-merged = Doublon fusionné.
desk-done-call-logged = Appel noté.
desk-done-called-back = Rappel noté comme fait.
desk-done-published = Incident connu publié.
desk-done-resolved = Incident résolu : chaque demandeur a été prévenu.
desk-error-too-long = Ce texte est trop long.
desk-error-control-characters = Ce texte contient des caractères non autorisés.
desk-error-category = Catégorie inconnue.
desk-error-urgency = Urgence inconnue.
desk-error-priority = Priorité inconnue.
desk-error-status = État inconnu.
desk-error-unknown-person = Personne inconnue dans l'annuaire.
desk-error-attachment-too-large = La pièce jointe « { $name } » dépasse { $mb } Mo.
desk-error-attachment-type = Le type de la pièce jointe « { $name } » est refusé (programme ou script).
desk-error-too-many-files = Trop de pièces jointes (10 au plus).
desk-error-ticket-closed = Cette demande est close : ouvrez-en une nouvelle.
desk-error-assignee = Cette personne ne fait pas partie de l'équipe informatique.
desk-error-merge-self = Une demande ne peut pas être fusionnée dans elle-même.
desk-error-merge-unknown = Demande cible introuvable ou déjà close.
desk-error-known-issue = Incident connu introuvable ou déjà résolu.
desk-error-keywords = Indiquez au moins un mot-clé significatif.
desk-error-not-resolved = Seule une demande résolue peut devenir un article.
desk-error-audience = Public inconnu.
desk-error-article-status = État d'article inconnu.
desk-error-date = Date invalide.
desk-error-end-before-start = La fin est avant le début.
desk-error-consent = L'accord de l'utilisateur est obligatoire pour une prise en main.
desk-error-callback = Délai de rappel invalide (en minutes, 30 jours au plus).
desk-error-contact = Indiquez un courriel ou un téléphone pour l'appelant.
desk-error-autoclose-days = Le délai de fermeture automatique doit être entre 0 et 365 jours.
desk-error-challenge = La vérification anti-robot a échoué : répondez à la question.
desk-error-challenge-expired = Le formulaire a expiré : rechargez la page.
desk-error-challenge-spent = Ce formulaire a déjà été envoyé : rechargez la page.
desk-error-flood = Trop de demandes en peu de temps. Réessayez dans { $minutes } minutes.
desk-error-link-unknown = Ce lien de suivi n'est pas valable.
desk-error-link-expired = Ce lien de suivi a expiré.
desk-error-link-used = Ce lien de suivi a déjà été utilisé.
desk-mail-ack-subject = Demande enregistrée : { $subject }
desk-mail-ack-body =
    Bonjour { $name },

    Votre demande { $reference } « { $subject } » est enregistrée. { $known_issue }

    Suivez-la ici : { $link }
    Vous pouvez répondre à ce courriel pour ajouter des informations.

    Le support informatique
desk-mail-reply-subject = Réponse : { $subject }
desk-mail-reply-body =
    Bonjour { $name },

    { $body }

    Votre demande { $reference } : { $link }
    Répondez à ce courriel si le problème persiste.

    Le support informatique
desk-mail-merged-subject = Demande regroupée : { $subject }
desk-mail-merged-body =
    Bonjour { $name },

    Votre demande { $reference } a été regroupée avec la demande { $into }, qui traite le même problème.
    Suivi : { $link }

    Le support informatique
desk-mail-known-issue-subject = Incident résolu : { $subject }
desk-mail-known-issue-body =
    Bonjour { $name },

    L'incident qui causait votre demande { $reference } est résolu :

    { $body }

    Si le problème persiste, répondez à ce courriel : { $link }

    Le support informatique
desk-error-limit = Le nombre de résultats doit être entre 1 et 50.
desk-settings-title = Réglages du support
desk-settings-autoclose = Jours avant qu'une demande résolue se ferme d'elle-même
desk-settings-autoclose-hint = Entre 0 et 365. Le demandeur peut répondre pendant ce délai, ce qui rouvre la demande. S'applique aux demandes résolues après l'enregistrement.
desk-settings-targets = Délais cibles, en heures : première réponse / résolution
desk-settings-targets-hint = Une catégorie laissée vide suit la ligne « Par défaut » de la même priorité. Les délais comptent toutes les heures, nuits et week-ends compris. Ils s'appliquent aux demandes ouvertes ou dont la priorité change après l'enregistrement.
desk-settings-default = Par défaut
desk-settings-first = première réponse, en heures
desk-settings-resolution = résolution, en heures
desk-settings-link = Réglages
desk-error-sla-hours = { $category }, priorité { $priority } : un délai est un nombre entier d'heures entre 1 et 8784.
desk-error-sla-order = { $category }, priorité { $priority } : la résolution ne peut pas venir avant la première réponse.
desk-error-sla-default = { $category }, priorité { $priority } : la ligne par défaut doit avoir ses deux délais.
desk-error-sla-both = { $category }, priorité { $priority } : donnez les deux délais, ou aucun pour suivre la ligne par défaut.
desk-field-for-email = Pour quelqu'un d'autre : son adresse (facultatif)
desk-for-email-hint = Laissez vide pour vous-même. Correspondants informatiques : les personnes de votre unité ; équipe informatique : celles de votre périmètre. La personne reçoit les réponses.
desk-error-not-yours = Vous ne pouvez pas ouvrir de demande pour cette personne : elle n'est pas dans votre unité ou votre périmètre.
desk-visit-planned = prévue
desk-visit-plan-hint = Laissez vide pour une visite à venir : elle apparaît comme prévue dans la semaine, et vous direz ici ce qui a été fait.
