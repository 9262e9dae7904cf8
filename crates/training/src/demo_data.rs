//! Demo data for the training office: a deterministic, realistic French
//! training offer for one year of a biomedical research institute — about
//! 120 courses (scientific workshops on emerging technologies, management,
//! remote-work tools, return to site, regulation and safety, languages,
//! office software, e-learning modules and external MOOCs) and about 400
//! sessions on the delegations' sites or by video, including the 2020
//! lockdown webinars for PhD supervisors (T7) and the manager cycle (T8).
//! Pure computation: no I/O, no database; same inputs give the same output.

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Key of the lockdown webinar series for PhD supervisors (T7): three
/// webinar sessions in late March and April, audience PhD supervisors,
/// 80 seats each.
pub const LOCKDOWN_WEBINARS: &str = "C-WEBINAIRE-DOCTORANTS";
/// Key of the same series opened to all agents in May (three sessions).
pub const LOCKDOWN_WEBINARS_OPEN: &str = "C-WEBINAIRE-DOCTORANTS-OUVERT";
/// Key of the manager cycle's opening webinar (T8), one session in spring and one in autumn.
pub const MANAGER_CYCLE_WEBINAR: &str = "C-CYCLE-MANAGERS-WEBINAIRE";
/// Key of the manager cycle's exchange workshops in small groups (T8), after each webinar.
pub const MANAGER_CYCLE_WORKSHOPS: &str = "C-CYCLE-MANAGERS-ATELIERS";

/// A delegation as the generator needs it: its code and its site names.
pub struct DemoDelegationRef {
    pub code: String,
    pub sites: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoCourse {
    /// Stable across seeds: `C001`… in catalogue order, or one of the `pub const` keys.
    pub key: String,
    pub title: String,
    pub summary: String,
    pub objectives: String,
    pub audience: String,
    /// `in_person`, `webinar`, `workshop`, `elearning` or `mooc`.
    pub format: &'static str,
    /// For scheduled courses, exactly `ends_at - starts_at` of each session;
    /// for e-learning and MOOCs, the expected effort.
    pub duration_minutes: i64,
    pub themes: Vec<String>,
    /// `None`: the national training office; `Some(code)`: a delegation's training pole.
    pub owner: Option<String>,
    pub link: Option<String>,
    pub provider: Option<String>,
    pub effort_minutes: Option<i64>,
    pub recommended_by: Vec<String>,
}

/// A session of a scheduled course (never of an e-learning module or MOOC).
#[derive(Debug, Clone, PartialEq)]
pub struct DemoSession {
    /// The course's `key`.
    pub course: String,
    /// RFC 3339 UTC instants (`2020-03-24T08:00:00Z` is 09:00 in Paris), same day.
    pub starts_at: String,
    pub ends_at: String,
    /// (delegation code, site name), for in-person sessions and workshops.
    pub site: Option<(String, String)>,
    /// For webinars.
    pub video_link: Option<String>,
    pub trainers: Vec<String>,
    pub capacity: i64,
    pub requires_approval: bool,
    /// `timed_offer` (about 80 %) or `automatic`.
    pub waitlist_mode: &'static str,
    pub audience: DemoAudience,
    /// The organising delegation; `None`: the national training office.
    pub delegation: Option<String>,
}

/// Who may register; `Delegations` holds delegation codes.
#[derive(Debug, Clone, PartialEq)]
pub enum DemoAudience {
    Everyone,
    Delegations(Vec<String>),
    PhdSupervisors,
    Managers,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoTraining {
    pub courses: Vec<DemoCourse>,
    /// Sorted by start time, then course key.
    pub sessions: Vec<DemoSession>,
}

/// Kinds of scheduled courses: scientific, management, PhD supervision,
/// remote-work tools, return to site, regulation, safety, languages, office
/// software, administration, personal development.
#[derive(Clone, Copy, PartialEq)]
#[rustfmt::skip]
enum Kind { Sci, Man, Phd, Dist, Ret, Reg, Saf, Lang, Off, Adm, Pers }

use Kind::*;

/// A scheduled course: title, kind, format, minutes per session, sessions in
/// the year, themes, audience ("" = the kind's), summary, objectives.
#[rustfmt::skip]
struct D(&'static str, Kind, &'static str, i64, usize, &'static [&'static str], &'static str, &'static str, &'static str);

/// An e-learning module or MOOC: title, format, effort in minutes, provider,
/// link slug, themes, summary, objectives.
#[rustfmt::skip]
struct O(&'static str, &'static str, i64, &'static str, &'static str, &'static [&'static str], &'static str, &'static str);

const TE: &str = "Technologies émergentes en sciences de la vie et de la santé";
const GEN: &str = "Génomique";
const IMG: &str = "Imagerie";
const DATA: &str = "Données et bio-informatique";
const STAT: &str = "Biostatistiques";
const CLIN: &str = "Recherche clinique";
const BIO: &str = "Biologie cellulaire";
const MAN: &str = "Management";
const DIST: &str = "Outils du travail à distance";
const REP: &str = "Reprise d'activité";
const REG: &str = "Réglementation et éthique";
const SEC: &str = "Hygiène et sécurité";
const LANG: &str = "Langues";
const BUR: &str = "Bureautique";
const COM: &str = "Communication scientifique";
const DOC: &str = "Encadrement doctoral";
const ADM: &str = "Gestion et administration";
const PERS: &str = "Développement personnel";
const QVT: &str = "Qualité de vie au travail";
const SCO: &str = "Science ouverte";
const INFO: &str = "Sécurité informatique";

/// The lockdown webinars for PhD supervisors (T7), their open series, and the manager cycle (T8).
#[rustfmt::skip]
const SPECIAL: [(&str, D); 4] = [
    (LOCKDOWN_WEBINARS, D("Webinaire : encadrer ses doctorants à distance", Phd, "webinar", 90, 3, &[DOC, DIST, MAN], "", "Série de trois webinaires conçue pendant le confinement pour les encadrants de doctorants : garder le lien et organiser le travail de thèse (1), suivre l'avancement scientifique et la rédaction à distance (2), repérer l'isolement et accompagner les situations difficiles (3).", "Organiser le suivi régulier de ses doctorants à distance ; adapter le calendrier de thèse et les expériences empêchées ; repérer les signaux d'isolement et orienter vers les bons interlocuteurs.")),
    (LOCKDOWN_WEBINARS_OPEN, D("Webinaire : encadrer ses doctorants à distance (ouvert à tous)", Dist, "webinar", 90, 3, &[DOC, DIST, MAN], "", "Devant le succès de la première série (plus de 200 inscrits en deux semaines), les trois webinaires sont redonnés en direct et ouverts à tous les agents : garder le lien et organiser le travail (1), suivre l'avancement et la rédaction à distance (2), repérer l'isolement et accompagner les situations difficiles (3).", "Organiser le suivi régulier de ses doctorants à distance ; adapter le calendrier de thèse et les expériences empêchées ; repérer les signaux d'isolement et orienter vers les bons interlocuteurs.")),
    (MANAGER_CYCLE_WEBINAR, D("Cycle managers (1/2) : webinaire « Manager en temps de crise »", Man, "webinar", 120, 2, &[MAN, DIST], "", "Ouverture du cycle managers : un webinaire sur les repères du management en période de crise, suivi d'ateliers d'échanges en petits groupes sur des problèmes concrets.", "Partager les repères du management en crise ; identifier ses propres difficultés ; préparer les ateliers d'échanges.")),
    (MANAGER_CYCLE_WORKSHOPS, D("Cycle managers (2/2) : ateliers d'échanges entre pairs", Man, "workshop", 210, 12, &[MAN], "", "Ateliers en petits groupes de huit à douze managers, après le webinaire d'ouverture : chacun apporte une situation concrète, le groupe cherche des solutions avec un animateur.", "Analyser une situation de management réelle ; bénéficier de l'expérience de ses pairs ; repartir avec des pistes d'action.")),
];

#[rustfmt::skip]
const SCHEDULED: &[D] = &[
    D("Atelier : séquençage à lecture longue", Sci, "workshop", 480, 3, &[TE, GEN], "", "Les technologies de séquençage à lecture longue (nanopores, molécule unique) ouvrent l'accès aux variants structuraux et aux transcrits complets : une journée de démonstrations sur plateforme et d'analyses guidées.", "Choisir une technologie de lecture longue adaptée à sa question ; préparer des librairies de qualité ; évaluer et assembler des lectures longues."),
    D("CRISPR-Cas9 : concevoir ses guides", Sci, "workshop", 480, 4, &[TE, GEN], "", "Atelier pratique sur la conception d'ARN guides, le choix des variants de Cas9 et la validation des modifications, avec les outils en ligne de référence.", "Concevoir et classer des guides efficaces et spécifiques ; anticiper les effets hors cible ; planifier la validation des clones édités."),
    D("Analyse de données single-cell avec R", Sci, "workshop", 480, 5, &[TE, DATA, GEN], "Chercheurs, ingénieurs et doctorants à l'aise avec les bases de R", "De la matrice de comptage à l'annotation des populations : contrôle qualité, normalisation, réduction de dimension, clustering et expression différentielle sur un jeu de données réel.", "Mener une analyse single-cell complète avec R ; interpréter les visualisations ; documenter son analyse de façon reproductible."),
    D("Imagerie : microscopie à feuille de lumière", Sci, "workshop", 480, 3, &[TE, IMG], "", "Principes de la microscopie à feuille de lumière, transparisation des échantillons et traitement des grands volumes d'images, avec démonstration sur la plateforme d'imagerie.", "Savoir quand recourir à la feuille de lumière ; préparer et transpariser un échantillon ; gérer et visualiser des acquisitions de plusieurs centaines de gigaoctets."),
    D("Statistiques pour la recherche clinique", Sci, "in_person", 480, 5, &[STAT, CLIN], "Chercheurs, cliniciens, attachés de recherche clinique et doctorants", "Les méthodes statistiques courantes de la recherche clinique expliquées par l'exemple : tests, intervalles de confiance, régressions, calcul du nombre de sujets nécessaires.", "Choisir le test adapté à son plan d'étude ; calculer un nombre de sujets nécessaires ; lire de façon critique les résultats d'un article."),
    D("Organoïdes : de la culture à la modélisation des pathologies", Sci, "workshop", 480, 3, &[TE, BIO], "", "Dérivation, culture et caractérisation d'organoïdes à partir de cellules souches ou de biopsies, et leur usage pour modéliser une pathologie ou cribler des molécules.", "Mettre en place une culture d'organoïdes ; caractériser les organoïdes obtenus ; connaître les limites du modèle."),
    D("Transcriptomique spatiale : principes et plateformes", Sci, "workshop", 480, 3, &[TE, GEN, IMG], "", "Tour d'horizon des approches de transcriptomique spatiale, de la préparation des coupes à l'intégration avec les données single-cell.", "Comparer les technologies disponibles ; préparer des échantillons compatibles ; connaître les étapes de l'analyse."),
    D("Cytométrie spectrale : concevoir un panel", Sci, "workshop", 480, 3, &[TE, BIO], "", "Conception de panels multicouleurs en cytométrie spectrale, choix des fluorochromes, contrôles et démélange, avec séances sur cytomètre.", "Construire un panel de plus de vingt couleurs ; choisir les contrôles ; analyser des données spectrales."),
    D("Protéomique quantitative par spectrométrie de masse", Sci, "workshop", 480, 3, &[TE, BIO], "", "Préparation des échantillons, stratégies d'acquisition et quantification en protéomique, présentées par les ingénieurs d'une plateforme.", "Formuler une demande pertinente à une plateforme de protéomique ; comprendre les stratégies d'acquisition ; interpréter les résultats quantitatifs."),
    D("Cryo-microscopie électronique : initiation", Sci, "workshop", 480, 2, &[TE, IMG], "", "De la purification de l'échantillon à la reconstruction 3D : une introduction à la cryo-microscopie électronique pour la biologie structurale.", "Connaître les étapes d'un projet de cryo-ME ; préparer des grilles ; évaluer la faisabilité d'un projet."),
    D("Apprentissage automatique pour l'analyse d'images biomédicales", Sci, "workshop", 480, 4, &[TE, IMG, DATA], "Chercheurs et ingénieurs ayant une première pratique de Python", "Segmentation et classification d'images de microscopie par apprentissage profond, avec des outils libres et des modèles pré-entraînés.", "Annoter un jeu d'images ; entraîner et évaluer un modèle de segmentation ; éviter les biais courants."),
    D("Initiation à Python pour les biologistes", Sci, "in_person", 480, 7, &[DATA], "", "Premiers pas en programmation avec Python pour automatiser des traitements de données expérimentales.", "Écrire des scripts simples ; lire et transformer des fichiers de données ; produire des graphiques."),
    D("Ligne de commande et calcul sur cluster", Sci, "in_person", 210, 5, &[DATA], "", "Utiliser le terminal Linux et soumettre des calculs sur le cluster de calcul de la délégation.", "Se déplacer dans une arborescence et manipuler des fichiers ; soumettre et suivre des tâches ; transférer des données en sécurité."),
    D("Plan de gestion des données de recherche", Sci, "webinar", 90, 5, &[SCO, DATA], "", "Rédiger le plan de gestion des données exigé par les financeurs : contenu, outils, exemples commentés.", "Rédiger un plan de gestion des données ; choisir des formats et des entrepôts adaptés ; le mettre à jour au fil du projet."),
    D("Science ouverte : publier en accès ouvert", Sci, "webinar", 90, 4, &[SCO, COM], "", "Les voies de l'accès ouvert, le dépôt en archive ouverte, les droits d'auteur et les obligations des financeurs.", "Déposer une publication en archive ouverte ; conserver ses droits ; repérer les revues prédatrices."),
    D("Recherche bibliographique : PubMed et bases de données", Sci, "in_person", 210, 5, &[COM], "", "Construire des équations de recherche efficaces et mettre en place une veille bibliographique.", "Interroger PubMed avec les descripteurs MeSH ; créer des alertes ; évaluer les sources."),
    D("Édition génomique in vivo et modèles murins", Sci, "workshop", 480, 2, &[TE, GEN], "", "Stratégies de création de modèles murins par édition génomique, de la conception au génotypage, avec les équipes des animaleries.", "Choisir une stratégie de modification ; dialoguer avec la plateforme de transgenèse ; planifier le génotypage."),
    D("Épigénomique : ChIP-seq et ATAC-seq", Sci, "workshop", 480, 3, &[TE, GEN, DATA], "", "Conception expérimentale et analyse des données de ChIP-seq et d'ATAC-seq, de l'alignement à l'annotation des pics.", "Concevoir une expérience avec les bons contrôles ; analyser les données ; interpréter les profils obtenus."),
    D("Métagénomique et microbiote", Sci, "workshop", 480, 3, &[TE, GEN, DATA], "", "Étude du microbiote par séquençage : 16S ou métagénomique, biais techniques et analyses de diversité.", "Choisir une approche de séquençage ; limiter les contaminations ; interpréter les analyses de diversité."),
    D("Biobanques et échantillons biologiques : bonnes pratiques", Sci, "in_person", 210, 3, &[CLIN, REG], "", "Collecte, conservation, traçabilité et cession des échantillons biologiques humains.", "Connaître le cadre réglementaire des collections ; assurer la traçabilité ; préparer une cession d'échantillons."),
    D("Méthodologie des essais cliniques", Sci, "in_person", 480, 4, &[CLIN, STAT], "Chercheurs, cliniciens et chefs de projet en recherche clinique", "Construire un protocole d'essai clinique : question, critères de jugement, randomisation, aspects réglementaires.", "Rédiger la synopsis d'un essai ; choisir un schéma d'étude ; anticiper les démarches réglementaires."),
    D("Analyse de survie avec R", Sci, "workshop", 480, 3, &[STAT, CLIN, DATA], "Chercheurs et doctorants pratiquant R", "Courbes de Kaplan-Meier, test du log-rank et modèle de Cox appliqués à des données de cohorte.", "Estimer et comparer des courbes de survie ; ajuster un modèle de Cox ; vérifier ses hypothèses."),
    D("Culture cellulaire : bonnes pratiques et contrôle qualité", Sci, "in_person", 480, 4, &[BIO, SEC], "Techniciens, ingénieurs et doctorants", "Travail sous poste de sécurité microbiologique, prévention des contaminations, authentification des lignées et recherche de mycoplasmes.", "Appliquer les bonnes pratiques de culture ; détecter une contamination ; authentifier ses lignées."),
    D("Rédiger un article scientifique en anglais", Sci, "in_person", 480, 4, &[COM, LANG], "Chercheurs, post-doctorants et doctorants", "Structure d'un article, style scientifique en anglais et réponse aux relecteurs, à partir des textes des participants.", "Structurer un article ; écrire avec clarté et concision ; répondre aux relecteurs."),
    D("Présenter ses résultats en congrès", Sci, "in_person", 210, 3, &[COM], "", "Construire une présentation orale ou un poster qui retient l'attention, et répondre aux questions.", "Construire un message clair ; concevoir des diapositives lisibles ; gérer le temps et les questions."),
    D("Répondre à un appel à projets européen", Sci, "in_person", 480, 3, &[ADM, COM], "Chercheurs et chargés de projets", "Panorama des programmes européens, montage du consortium et rédaction des parties clés d'une proposition.", "Identifier l'appel adapté ; construire un consortium ; rédiger une proposition convaincante."),
    D("Valorisation : protéger et transférer ses résultats", Sci, "webinar", 90, 3, &[ADM], "", "Brevets, déclarations d'invention, accords de confidentialité et collaborations industrielles.", "Savoir quand déclarer une invention ; protéger ses résultats avant publication ; connaître les acteurs du transfert."),
    D("Manager à distance", Man, "webinar", 120, 6, &[MAN, DIST], "", "Organiser le travail d'une équipe dispersée, fixer les objectifs, garder le lien et repérer les difficultés quand on ne se voit plus.", "Organiser le travail et les rituels d'une équipe à distance ; fixer et suivre des objectifs ; repérer les signaux de difficulté."),
    D("Conduire un entretien annuel", Man, "in_person", 480, 7, &[MAN], "", "Préparer et mener l'entretien professionnel annuel : bilan, objectifs, besoins de formation, et la rédaction du compte rendu.", "Préparer l'entretien avec l'agent ; fixer des objectifs mesurables ; recueillir les besoins de formation."),
    D("Prendre ses fonctions de chef d'équipe", Man, "in_person", 480, 4, &[MAN], "Nouveaux chefs d'équipe et responsables de service", "Les premiers mois d'un nouveau responsable : posture, responsabilités, ressources de l'institut et de la délégation.", "Clarifier son rôle ; connaître ses responsabilités ; s'appuyer sur les services de la délégation."),
    D("Prévenir et gérer les conflits dans l'équipe", Man, "in_person", 480, 4, &[MAN, QVT], "", "Comprendre les mécanismes d'un conflit, intervenir tôt et mener un entretien de recadrage ou de médiation.", "Repérer les signaux d'un conflit ; conduire un entretien difficile ; savoir quand solliciter un appui."),
    D("Animer une réunion efficace, en salle ou à distance", Man, "webinar", 90, 4, &[MAN, DIST], "", "Préparer, animer et conclure une réunion utile, y compris en visioconférence ou en format hybride.", "Préparer un ordre du jour ; faire participer chacun, y compris à distance ; conclure par des décisions."),
    D("Conduire le changement dans une unité de recherche", Man, "in_person", 480, 3, &[MAN], "Directeurs d'unité et responsables administratifs", "Réorganisations, déménagements, nouveaux outils : accompagner les équipes dans le changement.", "Analyser les résistances ; construire un plan de communication ; associer les équipes."),
    D("Prévention des risques psychosociaux pour les encadrants", Man, "in_person", 480, 4, &[MAN, QVT], "", "Identifier les facteurs de risques psychosociaux et agir en prévention, avec le médecin de prévention et les assistants sociaux.", "Identifier les facteurs de risque ; réagir face à un agent en souffrance ; orienter vers les bons interlocuteurs."),
    D("Accompagner un agent en difficulté", Man, "workshop", 210, 3, &[MAN, QVT], "", "Atelier en petit groupe à partir de situations vécues : difficultés personnelles, baisse d'engagement, absences répétées.", "Ouvrir le dialogue ; proposer des aménagements ; orienter vers l'accompagnement adapté."),
    D("Recruter : de la fiche de poste à l'entretien", Man, "in_person", 210, 4, &[MAN, ADM], "", "Rédiger une fiche de poste, trier les candidatures sans discrimination et conduire l'entretien de recrutement.", "Rédiger une fiche de poste attractive ; conduire un entretien structuré ; objectiver sa décision."),
    D("Déléguer et responsabiliser", Man, "workshop", 210, 3, &[MAN], "", "Atelier d'échanges sur la délégation : quoi déléguer, à qui, comment suivre sans contrôler à l'excès.", "Identifier ce qui peut être délégué ; formuler une délégation claire ; en assurer le suivi."),
    D("Suivre son équipe en télétravail : points réguliers et attention aux personnes", Man, "webinar", 90, 5, &[MAN, DIST, QVT], "", "Points individuels réguliers, bonne communication, attention aux contraintes personnelles : les pratiques qui ont fait leurs preuves pendant le confinement.", "Mettre en place des points réguliers ; choisir le bon canal de communication ; repérer l'isolement et les difficultés personnelles."),
    D("Encadrer un doctorant : droits, devoirs et bonnes pratiques", Phd, "in_person", 480, 4, &[DOC, MAN], "", "Le cadre de la thèse, la charte du doctorat, le comité de suivi individuel et les clés d'un encadrement réussi.", "Connaître le cadre réglementaire du doctorat ; établir des règles de fonctionnement avec son doctorant ; prévenir les situations de crise."),
    D("Prendre en main la visioconférence", Dist, "webinar", 60, 14, &[DIST], "", "Rejoindre et organiser une réunion, partager son écran, gérer le son et l'image, enregistrer : l'outil de visioconférence de l'institut pas à pas.", "Planifier et rejoindre une réunion ; partager son écran ; résoudre les problèmes de son et de connexion les plus courants."),
    D("Travailler en équipe avec les outils collaboratifs", Dist, "webinar", 90, 10, &[DIST], "", "Messagerie instantanée, espaces de stockage partagés, co-édition de documents et agendas : organiser le travail d'équipe à distance.", "Créer et animer un espace d'équipe ; co-éditer des documents ; choisir le bon outil selon l'usage."),
    D("Sécuriser son poste en télétravail", Dist, "webinar", 60, 8, &[DIST, INFO], "", "Mises à jour, mots de passe, réseau domestique, données sensibles : les règles de sécurité informatique hors des murs.", "Appliquer les règles de sécurité à domicile ; protéger les données de l'unité ; savoir qui alerter en cas d'incident."),
    D("Le VPN pas à pas", Dist, "webinar", 60, 12, &[DIST, INFO], "", "Installer le client VPN, se connecter et retrouver ses applications et ses dossiers comme au bureau.", "Installer et configurer le VPN ; accéder aux ressources de l'unité ; diagnostiquer une connexion qui échoue."),
    D("Organiser son travail et ses journées en télétravail", Dist, "webinar", 90, 6, &[DIST, QVT], "", "Rythmer sa journée, séparer vie professionnelle et vie personnelle, garder le contact avec son équipe.", "Organiser sa journée et ses priorités ; préserver son droit à la déconnexion ; rester en lien avec ses collègues."),
    D("Animer un webinaire ou une classe virtuelle", Dist, "webinar", 120, 5, &[DIST, COM], "Formateurs internes, chercheurs et agents amenés à animer à distance", "Concevoir et animer une intervention à distance qui tient l'attention : rythme, interactions, outils de sondage.", "Scénariser une intervention à distance ; faire interagir les participants ; gérer les aléas techniques."),
    D("Partager et co-éditer des documents en ligne", Dist, "webinar", 60, 6, &[DIST, BUR], "", "Stockage partagé, droits d'accès, gestion des versions et co-édition en temps réel.", "Partager un document avec les bons droits ; co-éditer sans conflit de versions ; retrouver une version antérieure."),
    D("Reconnaître et signaler le hameçonnage", Dist, "webinar", 60, 6, &[INFO], "", "Les campagnes d'hameçonnage se multiplient en période de crise : les reconnaître et les signaler au service informatique.", "Repérer un message frauduleux ; réagir après un clic malheureux ; signaler un courriel suspect."),
    D("La signature électronique au quotidien", Dist, "webinar", 60, 5, &[DIST, ADM], "", "Signer et faire signer des documents électroniquement, suivre un circuit de validation.", "Signer un document électroniquement ; lancer et suivre un circuit de signature ; vérifier une signature."),
    D("Ergonomie du poste de travail à domicile", Dist, "webinar", 60, 4, &[DIST, QVT], "", "Installer son poste à domicile pour éviter les troubles musculo-squelettiques et la fatigue visuelle.", "Régler son siège et son écran ; alterner les postures ; prévenir la fatigue visuelle."),
    D("Prendre en main son ordinateur portable et sa messagerie", Dist, "in_person", 210, 4, &[DIST, BUR], "Agents récemment équipés d'un ordinateur portable", "Pour les agents nouvellement équipés : session, messagerie, agenda, sauvegardes et documentation d'aide en ligne.", "Utiliser sa messagerie et son agenda ; sauvegarder ses données ; trouver les réponses dans la documentation."),
    D("Préparer le retour sur site de son équipe", Ret, "webinar", 120, 8, &[REP, MAN], "", "Organiser le retour progressif sur site : planning de présence, règles sanitaires, écoute des inquiétudes et reprise des projets.", "Construire un planning de retour progressif ; appliquer les consignes sanitaires ; accueillir les inquiétudes de l'équipe."),
    D("Reprise d'activité : accompagner les équipes", Ret, "workshop", 210, 6, &[REP, MAN, QVT], "", "Atelier d'échanges entre managers sur la reprise : retrouver un collectif, réajuster les objectifs, reconnaître ce qui a été fait pendant le confinement.", "Réunir de nouveau son équipe ; réajuster les priorités ; reconnaître l'engagement de chacun."),
    D("Plan de reprise d'activité : protocoles sanitaires au laboratoire", Ret, "webinar", 90, 6, &[REP, SEC], "Directeurs d'unité, responsables de plateforme et assistants de prévention", "Les protocoles sanitaires applicables dans les laboratoires et les animaleries, et leur mise en œuvre dans l'unité.", "Adapter les protocoles sanitaires à son unité ; organiser les espaces et les plannings ; informer les agents."),
    D("Prévenir les risques psychosociaux au retour", Ret, "in_person", 210, 4, &[REP, QVT], "", "Fatigue, anxiété, tensions : repérer et prévenir les difficultés qui apparaissent au retour sur site.", "Repérer les signes de fragilité ; organiser l'écoute ; mobiliser le réseau de prévention."),
    D("Organiser le travail hybride : présentiel et télétravail", Ret, "webinar", 90, 5, &[REP, MAN, DIST], "", "Combiner présence sur site et télétravail : règles d'équipe, équité, réunions hybrides.", "Définir des règles d'équipe pour le travail hybride ; garantir l'équité ; animer des réunions hybrides."),
    D("Expérimentation animale : module réglementaire", Reg, "in_person", 480, 4, &[REG], "Personnels concevant ou réalisant des procédures expérimentales sur l'animal", "Le module réglementaire commun exigé pour concevoir ou réaliser des procédures : législation, éthique, règle des 3R, comités d'éthique.", "Connaître la réglementation européenne et française ; appliquer la règle des 3R ; préparer une demande d'autorisation de projet."),
    D("Expérimentation animale : formation continue", Reg, "in_person", 480, 3, &[REG], "Personnels déjà habilités à l'expérimentation animale", "Journée de formation continue obligatoire : actualités réglementaires, points limites, anesthésie et analgésie.", "Actualiser ses connaissances réglementaires ; définir des points limites ; améliorer la prise en charge de la douleur."),
    D("Hygiène et sécurité en laboratoire L2", Saf, "in_person", 480, 7, &[SEC], "", "Risques biologiques, confinement de niveau 2, poste de sécurité microbiologique, gestion des déchets et conduite à tenir en cas d'accident.", "Évaluer le risque biologique ; travailler en sécurité en L2 ; réagir en cas d'exposition accidentelle."),
    D("Intégrité scientifique", Reg, "in_person", 210, 5, &[REG, SCO], "", "Les principes de l'intégrité scientifique, les manquements et leurs conséquences, à partir de cas concrets.", "Connaître les règles de l'intégrité scientifique ; tenir un cahier de laboratoire ; savoir à qui s'adresser en cas de doute."),
    D("Risque chimique au laboratoire", Saf, "in_person", 210, 4, &[SEC], "", "Étiquetage, fiches de données de sécurité, stockage, produits cancérogènes et équipements de protection.", "Lire une fiche de données de sécurité ; stocker les produits correctement ; choisir ses protections."),
    D("Radioprotection : recyclage des personnes compétentes", Saf, "in_person", 480, 2, &[SEC, REG], "Personnes compétentes en radioprotection", "Recyclage réglementaire des personnes compétentes en radioprotection, secteur recherche.", "Actualiser ses connaissances réglementaires ; évaluer les risques ; conseiller les utilisateurs de sources."),
    D("Travailler en laboratoire de confinement L3", Saf, "in_person", 480, 2, &[SEC], "Personnels appelés à travailler en L3", "Règles d'accès, équipements et procédures de travail en laboratoire de niveau de sécurité biologique 3.", "Appliquer les procédures d'entrée et de sortie ; travailler en sécurité ; gérer un incident en L3."),
    D("Sauveteur secouriste du travail", Saf, "in_person", 480, 6, &[SEC], "Agents volontaires, un par équipe recommandé", "Formation initiale de sauveteur secouriste du travail : protéger, alerter, secourir.", "Protéger la victime et les témoins ; alerter les secours ; pratiquer les gestes de premiers secours."),
    D("Manipulation des extincteurs et évacuation", Saf, "in_person", 210, 5, &[SEC], "", "Départ de feu, choix et manipulation des extincteurs, rôle des guides et serre-files lors d'une évacuation.", "Choisir le bon extincteur ; l'utiliser sur un feu réel ; organiser une évacuation."),
    D("Protection des données personnelles en recherche", Reg, "webinar", 90, 4, &[REG, DATA], "", "Le règlement général sur la protection des données appliqué aux projets de recherche : bases légales, information des personnes, sécurité.", "Identifier les traitements de données personnelles ; informer les participants ; sécuriser les données."),
    D("Éthique de la recherche impliquant la personne humaine", Reg, "in_person", 210, 3, &[REG, CLIN], "", "Catégories de recherches, comités de protection des personnes, consentement et information des participants.", "Qualifier sa recherche ; préparer un dossier pour un comité ; recueillir un consentement éclairé."),
    D("Assistant de prévention : formation initiale", Saf, "in_person", 480, 2, &[SEC], "Agents nommés assistants de prévention", "Le rôle de l'assistant de prévention, le document unique d'évaluation des risques et les registres de sécurité.", "Tenir le registre santé et sécurité ; participer au document unique ; animer la prévention dans l'unité."),
    D("Anglais scientifique : communication orale", Lang, "in_person", 210, 8, &[LANG], "", "Petits groupes de niveau pour gagner en aisance à l'oral : réunions, présentations, échanges avec des collaborateurs.", "Prendre la parole en réunion ; présenter ses travaux ; échanger avec aisance avec des collègues étrangers."),
    D("Anglais : webinaires de pratique à distance", Lang, "webinar", 60, 8, &[LANG, DIST], "", "Webinaires thématiques en anglais (réunions, courriels, appels de projets) avec exercices interactifs en sous-groupes.", "Entretenir sa pratique orale ; enrichir son vocabulaire professionnel ; gagner en confiance."),
    D("Anglais : préparer une présentation en congrès", Lang, "workshop", 210, 4, &[LANG, COM], "", "Atelier de préparation d'une présentation orale en anglais avec entraînement filmé.", "Structurer une présentation en anglais ; travailler la prononciation ; répondre aux questions."),
    D("Français langue étrangère pour chercheurs internationaux", Lang, "in_person", 210, 6, &[LANG], "Chercheurs et doctorants non francophones", "Cours de français pour la vie quotidienne et professionnelle des chercheurs accueillis dans les unités.", "Communiquer dans les situations courantes ; comprendre les échanges de l'équipe ; effectuer les démarches administratives."),
    D("Excel : tableaux croisés dynamiques", Off, "in_person", 210, 7, &[BUR], "", "Synthétiser et analyser de grands tableaux de données avec les tableaux croisés dynamiques.", "Préparer une source de données ; construire un tableau croisé dynamique ; créer un graphique croisé."),
    D("Excel : fonctions avancées", Off, "in_person", 480, 4, &[BUR], "", "Fonctions de recherche, fonctions conditionnelles, validation de données et mise en forme conditionnelle.", "Utiliser les fonctions de recherche et les fonctions conditionnelles ; fiabiliser la saisie ; automatiser la mise en forme."),
    D("Word : documents longs et mémoire de thèse", Off, "in_person", 210, 4, &[BUR, DOC], "", "Styles, numérotation, table des matières, légendes et renvois pour les documents longs.", "Structurer un document long avec les styles ; générer les tables automatiques ; gérer légendes et renvois."),
    D("PowerPoint : concevoir des présentations efficaces", Off, "in_person", 210, 4, &[BUR, COM], "", "Masques, mise en page, graphiques et figures scientifiques lisibles.", "Utiliser les masques ; concevoir des diapositives lisibles ; intégrer figures et graphiques."),
    D("LibreOffice Calc : prise en main", Off, "in_person", 210, 3, &[BUR], "", "Les bases du tableur libre : saisie, formules, mise en forme et impression.", "Créer un tableau ; écrire des formules simples ; mettre en forme et imprimer."),
    D("Zotero : gérer sa bibliographie", Off, "webinar", 90, 4, &[BUR, COM], "", "Collecter, organiser et citer ses références avec le logiciel libre Zotero, seul ou en groupe.", "Constituer sa bibliothèque ; insérer citations et bibliographie ; partager une bibliothèque de groupe."),
    D("Préparer un concours interne", Adm, "in_person", 480, 3, &[ADM, PERS], "Agents préparant un concours ou un examen professionnel", "Dossier de reconnaissance des acquis, rapport d'activité et préparation à l'oral devant le jury.", "Valoriser son parcours dans le dossier ; préparer l'oral ; gérer son stress."),
    D("Achats publics : les fondamentaux", Adm, "in_person", 480, 3, &[ADM], "Gestionnaires des unités et des délégations", "Principes de la commande publique, seuils, marchés de l'institut et bonnes pratiques d'achat en unité.", "Respecter les règles de la commande publique ; utiliser les marchés existants ; préparer une consultation simple."),
    D("Gestion financière des contrats de recherche", Adm, "in_person", 480, 3, &[ADM], "Gestionnaires et chargés de contrats", "Du budget prévisionnel au rapport financier : gérer les contrats de recherche sur financements publics et privés.", "Établir un budget prévisionnel ; suivre les dépenses ; produire un rapport financier."),
    D("Accueillir un nouvel arrivant dans l'unité", Adm, "webinar", 60, 3, &[ADM, QVT], "", "Les étapes de l'accueil : démarches, accès, formations obligatoires et intégration dans l'équipe, y compris à distance.", "Préparer l'arrivée ; organiser les formations obligatoires ; intégrer un agent qui démarre à distance."),
    D("Préparer sa retraite", Adm, "in_person", 210, 2, &[ADM], "Agents à moins de cinq ans de leur départ", "Droits à pension, démarches et calendrier du départ à la retraite.", "Connaître ses droits ; anticiper les démarches ; estimer sa pension."),
    D("Gestion du temps et des priorités", Pers, "in_person", 480, 4, &[PERS], "", "Clarifier ses priorités, planifier, limiter les interruptions et les sollicitations numériques.", "Distinguer l'urgent de l'important ; planifier sa semaine ; limiter les interruptions."),
    D("Prise de parole en public", Pers, "workshop", 480, 3, &[PERS, COM], "", "Atelier pratique : voix, posture, gestion du trac, avec des mises en situation filmées.", "Maîtriser sa voix et sa posture ; gérer le trac ; capter l'attention."),
];

#[rustfmt::skip]
const ONLINE: &[O] = &[
    O("Les fondamentaux de la sécurité informatique", "elearning", 45, "Plateforme e-learning de l'institut", "securite-informatique", &[INFO], "Mots de passe, messagerie, mises à jour, supports amovibles : les règles essentielles en quinze minutes par chapitre.", "Adopter les bons réflexes de sécurité ; reconnaître les menaces courantes ; savoir qui alerter."),
    O("Télétravail : les bons réflexes", "elearning", 30, "Plateforme e-learning de l'institut", "teletravail-bons-reflexes", &[DIST, QVT], "Organisation, outils, sécurité et santé : l'essentiel pour télétravailler dans de bonnes conditions.", "Organiser son espace et son temps ; utiliser les outils de l'institut ; préserver sa santé."),
    O("Intégrité scientifique : parcours en ligne", "elearning", 120, "Plateforme e-learning de l'institut", "integrite-scientifique", &[REG, SCO], "Parcours en ligne illustré de cas réels sur les bonnes pratiques de recherche.", "Connaître les principes de l'intégrité ; identifier les pratiques douteuses ; savoir à qui s'adresser."),
    O("Protection des données personnelles : l'essentiel", "elearning", 60, "Plateforme e-learning de l'institut", "donnees-personnelles", &[REG, DATA], "Les principes du règlement général sur la protection des données et leurs conséquences au quotidien.", "Reconnaître une donnée personnelle ; respecter les droits des personnes ; sécuriser les traitements."),
    O("Accueil sécurité des nouveaux arrivants", "elearning", 60, "Plateforme e-learning de l'institut", "accueil-securite", &[SEC], "Le module obligatoire pour tout nouvel arrivant en laboratoire : risques, consignes et interlocuteurs.", "Connaître les risques du laboratoire ; appliquer les consignes générales ; identifier les acteurs de la prévention."),
    O("Risque biologique : les bases", "elearning", 45, "Plateforme e-learning de l'institut", "risque-biologique", &[SEC], "Classes de risque, niveaux de confinement et équipements de protection.", "Évaluer un risque biologique ; choisir le niveau de confinement ; utiliser les protections adaptées."),
    O("Prévention du COVID-19 au laboratoire", "elearning", 30, "Plateforme e-learning de l'institut", "prevention-covid-laboratoire", &[SEC, REP], "Gestes barrières, port du masque, nettoyage des surfaces et organisation des espaces partagés pour la reprise.", "Appliquer les gestes barrières au laboratoire ; organiser les espaces partagés ; réagir face à un cas suspect."),
    O("Excel : les bases", "elearning", 180, "Bureautique Pro Formation", "excel-bases", &[BUR], "Modules courts et exercices pour débuter avec le tableur.", "Saisir et mettre en forme des données ; écrire des formules ; créer un graphique."),
    O("Anglais en ligne : parcours personnalisé", "elearning", 1200, "Lingua Campus", "anglais-parcours", &[LANG], "Parcours adapté à votre niveau après un test de positionnement, avec des exercices de compréhension et d'expression.", "Progresser d'un niveau ; travailler la compréhension orale ; enrichir son vocabulaire scientifique."),
    O("Égalité professionnelle et lutte contre les discriminations", "elearning", 60, "Plateforme e-learning de l'institut", "egalite-professionnelle", &[QVT], "Stéréotypes, biais de décision et cadre juridique de la lutte contre les discriminations.", "Reconnaître les biais ; connaître le cadre juridique ; agir face à une discrimination."),
    O("Prévenir le harcèlement sexuel et les agissements sexistes", "elearning", 60, "Plateforme e-learning de l'institut", "harcelement-agissements-sexistes", &[QVT, REG], "Définitions, obligations de l'employeur, dispositif de signalement et accompagnement des victimes.", "Identifier les situations ; réagir en témoin ; connaître le dispositif de signalement."),
    O("Déontologie et laïcité dans la fonction publique", "elearning", 45, "Plateforme e-learning de l'institut", "deontologie-laicite", &[REG], "Obligations des agents publics, conflits d'intérêts, cumul d'activités et principe de laïcité.", "Connaître ses obligations ; prévenir les conflits d'intérêts ; appliquer le principe de laïcité."),
    O("Les marchés publics en 30 minutes", "elearning", 30, "Plateforme e-learning de l'institut", "marches-publics", &[ADM], "Une introduction rapide aux règles d'achat public pour les agents des unités.", "Connaître les seuils ; utiliser les marchés de l'institut ; éviter les erreurs courantes."),
    O("Messagerie et agenda partagés", "elearning", 40, "Plateforme e-learning de l'institut", "messagerie-agenda", &[DIST, BUR], "Tutoriels vidéo pour bien utiliser la messagerie, les agendas partagés et les listes de diffusion.", "Organiser sa messagerie ; partager son agenda ; planifier une réunion."),
    O("Gestes et postures au poste de travail", "elearning", 30, "Plateforme e-learning de l'institut", "gestes-postures", &[QVT, SEC], "Prévenir les troubles musculo-squelettiques au bureau, à domicile et à la paillasse.", "Régler son poste ; adopter les bonnes postures ; faire des pauses actives."),
    O("Découvrir la science ouverte", "elearning", 90, "Plateforme e-learning de l'institut", "science-ouverte", &[SCO], "Publications, données et logiciels ouverts : enjeux et pratiques.", "Comprendre les enjeux de la science ouverte ; ouvrir ses publications et ses données ; connaître les outils."),
    O("Le cahier de laboratoire électronique", "elearning", 60, "Plateforme e-learning de l'institut", "cahier-laboratoire-electronique", &[SCO, DATA], "Traçabilité et preuve : tenir un cahier de laboratoire électronique conforme.", "Tenir un cahier électronique ; assurer la traçabilité ; partager avec son équipe."),
    O("Handicap : accueillir et accompagner un collègue", "elearning", 45, "Plateforme e-learning de l'institut", "handicap-accueil", &[QVT, MAN], "Aménagements de poste, interlocuteurs et bonnes pratiques pour l'inclusion des agents en situation de handicap.", "Connaître les dispositifs d'aménagement ; accueillir un collègue ; mobiliser les bons interlocuteurs."),
    O("Premiers pas avec la visioconférence", "elearning", 20, "Plateforme e-learning de l'institut", "premiers-pas-visio", &[DIST], "Quatre vidéos courtes pour rejoindre sa première réunion en ligne dans de bonnes conditions.", "Installer l'application ; rejoindre une réunion ; régler micro et caméra."),
    O("Développement durable au laboratoire", "elearning", 45, "Plateforme e-learning de l'institut", "developpement-durable-labo", &[SEC], "Réduire l'empreinte environnementale de la recherche : énergie, déchets, consommables, déplacements.", "Mesurer l'impact de ses pratiques ; réduire les déchets ; mutualiser les équipements."),
    O("Bio-informatique : algorithmes et génomique", "mooc", 1500, "FUN MOOC", "bioinformatique-algorithmes-genomique", &[DATA, GEN], "Six semaines pour comprendre les algorithmes qui sous-tendent l'analyse des séquences.", "Comprendre l'alignement de séquences ; manipuler des données génomiques ; utiliser les outils de base."),
    O("Analyse des données multidimensionnelles avec R", "mooc", 1200, "FUN MOOC", "analyse-donnees-multidimensionnelles", &[STAT, DATA], "Analyse en composantes principales, analyse factorielle et classification, avec R.", "Réaliser une ACP ; interpréter les graphiques factoriels ; classer des individus."),
    O("Python 3 : des fondamentaux aux concepts avancés", "mooc", 2400, "FUN MOOC", "python3-fondamentaux", &[DATA], "Apprendre Python pas à pas, des types de base à la programmation orientée objet.", "Écrire des programmes Python structurés ; utiliser les bibliothèques standard ; organiser son code."),
    O("Introduction à la statistique avec R", "mooc", 1200, "FUN MOOC", "introduction-statistique-r", &[STAT, DATA], "Les bases de la statistique appliquée, avec exercices sous R.", "Décrire des données ; réaliser les tests courants ; interpréter les résultats."),
    O("Recherche reproductible : principes méthodologiques", "mooc", 1440, "FUN MOOC", "recherche-reproductible", &[SCO, DATA], "Cahiers de notes numériques, gestion de versions et environnements reproductibles.", "Documenter ses analyses ; versionner son travail ; rendre ses calculs reproductibles."),
    O("Éthique de la recherche", "mooc", 900, "FUN MOOC", "ethique-de-la-recherche", &[REG], "Grandes questions éthiques de la recherche, de la conception à la diffusion des résultats.", "Identifier les enjeux éthiques d'un projet ; argumenter ; connaître les instances éthiques."),
    O("Immunologie : les fondamentaux", "mooc", 1200, "Campus numérique santé", "immunologie-fondamentaux", &[BIO], "Le système immunitaire inné et adaptatif, ses cellules et ses mécanismes.", "Décrire les acteurs de l'immunité ; comprendre la réponse immunitaire ; relier aux pathologies."),
    O("Épidémiologie : concepts et méthodes", "mooc", 1080, "Campus numérique santé", "epidemiologie-concepts", &[STAT, CLIN], "Mesures de fréquence et d'association, types d'études et biais.", "Calculer les indicateurs épidémiologiques ; choisir un type d'étude ; identifier les biais."),
    O("Maladies infectieuses émergentes", "mooc", 900, "Campus numérique santé", "maladies-infectieuses-emergentes", &[BIO, CLIN], "Émergence, surveillance et contrôle des maladies infectieuses, à la lumière des épidémies récentes.", "Comprendre les mécanismes d'émergence ; connaître les systèmes de surveillance ; analyser une riposte."),
    O("Gestion de projet", "mooc", 1500, "FUN MOOC", "gestion-de-projet", &[ADM, MAN], "Cadrage, planification, pilotage et clôture d'un projet, avec des outils pratiques.", "Cadrer un projet ; planifier et suivre ; communiquer avec les parties prenantes."),
    O("Travailler et manager à distance", "mooc", 600, "FUN MOOC", "travailler-manager-distance", &[MAN, DIST], "Les pratiques du travail à distance pour les agents et leurs encadrants.", "Organiser le travail à distance ; animer une équipe dispersée ; préserver la cohésion."),
    O("Anglais professionnel : communiquer à l'écrit", "mooc", 900, "Université numérique des langues", "anglais-professionnel-ecrit", &[LANG], "Courriels, comptes rendus et documents professionnels en anglais.", "Rédiger des courriels professionnels ; structurer un compte rendu ; adapter son registre."),
    O("Neurosciences : du neurone au comportement", "mooc", 1200, "Campus numérique santé", "neurosciences-neurone-comportement", &[BIO], "Des bases cellulaires du fonctionnement neuronal aux grandes fonctions cérébrales.", "Décrire la transmission synaptique ; relier circuits et comportements ; connaître les méthodes d'étude."),
    O("Propriété intellectuelle pour les chercheurs", "mooc", 720, "FUN MOOC", "propriete-intellectuelle-chercheurs", &[ADM, REG], "Droit d'auteur, brevets et licences appliqués aux résultats de recherche.", "Distinguer les droits ; protéger une invention ; choisir une licence."),
    O("Initiation à l'apprentissage automatique", "mooc", 1800, "FUN MOOC", "initiation-apprentissage-automatique", &[DATA], "Les principes de l'apprentissage automatique et leur mise en pratique en Python.", "Comprendre les principaux algorithmes ; entraîner et évaluer un modèle ; éviter le surapprentissage."),
];

#[rustfmt::skip]
const FIRST: &[&str] = &["Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Anne", "Valérie", "Sandrine", "Céline", "Julie", "Aurélie", "Camille", "Claire", "Hélène", "Élise", "Sophie", "Cécile", "Florence", "Agnès", "Laure", "Jean", "Pierre", "Philippe", "François", "Nicolas", "Julien", "Thomas", "Sébastien", "Olivier", "Christophe", "Frédéric", "Laurent", "Stéphane", "Éric", "Benoît", "Mathieu", "Romain", "Antoine", "Yann", "Vincent"];
#[rustfmt::skip]
const LAST: &[&str] = &["Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Lefebvre", "Leroy", "Roux", "Morel", "Fournier", "Girard", "Bonnet", "Lambert", "Fontaine", "Rousseau", "Mercier", "Blanc", "Guérin", "Garnier", "Chevalier", "Legrand", "Perrin", "Robin", "Clément", "Masson", "Marchand", "Duval", "Lemaire", "Meyer", "Brunet", "Giraud", "Rivière", "Caron", "Picard", "Fabre", "Aubert", "Renaud", "Lacroix", "Besson", "Le Goff"];

/// Outside firms for a kind of course, and how often the kind is subcontracted.
#[rustfmt::skip]
fn firms(kind: Kind) -> (&'static [&'static str], f64) {
    match kind {
        Man | Ret => (&["Cap Managers Conseil", "Horizon RH Formation", "Trajectoires Coaching"], 0.6),
        Pers => (&["Trajectoires Coaching", "Horizon RH Formation"], 0.7),
        Lang => (&["Lingua Campus", "Alliance Langues Formation"], 1.0),
        Off => (&["Bureautique Pro Formation", "Clic & Tableur Formation"], 0.7),
        Saf => (&["Prévention Labo Conseil", "Secours & Sécurité Formation"], 0.5),
        Sci => (&["BioSkills Formation", "DataLife Academy"], 0.25),
        Reg => (&["Éthique & Recherche Conseil"], 0.3),
        Adm => (&["Secteur Public Formation"], 0.4),
        Phd | Dist => (&[], 0.0),
    }
}

fn default_audience(kind: Kind) -> &'static str {
    match kind {
        Sci => "Chercheurs, ingénieurs, techniciens et doctorants",
        Man => "Encadrants : chefs d'équipe, directeurs d'unité, responsables de service",
        Phd => "Directeurs et co-encadrants de thèse",
        Ret => "Managers, directeurs d'unité et responsables de service",
        Saf => "Personnels travaillant en laboratoire",
        Reg => "Personnels des unités de recherche",
        Lang => "Tous les agents, après un test de positionnement",
        Adm => "Personnels administratifs des unités et des délégations",
        Dist | Off | Pers => "Tous les agents",
    }
}

/// Windows of the plan year a kind's sessions fall in: (month, day) to (month, day), weight.
fn windows(kind: Kind) -> &'static [((u32, u32), (u32, u32), usize)] {
    match kind {
        Dist => &[((3, 16), (7, 10), 3), ((9, 1), (12, 18), 1)],
        Ret => &[((4, 27), (7, 10), 3), ((9, 1), (10, 30), 1)],
        _ => &[((1, 1), (12, 31), 1)],
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// 0 = Monday … 6 = Sunday.
fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

fn easter_sunday(y: i64) -> i64 {
    let (a, b, c) = (y % 19, y / 100, y % 100);
    let (d, e) = (b / 4, b % 4);
    let g = (8 * b + 13) / 25;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 19 * l) / 433;
    let month = (h + l - 7 * m + 90) / 25;
    let day = (h + l - 7 * m + 33 * month + 19) % 32;
    days_from_civil(y, month as u32, day as u32)
}

/// French public holidays: fixed dates, Easter Monday, Ascension, Whit Monday.
fn is_holiday(days: i64) -> bool {
    let (y, m, d) = civil_from_days(days);
    #[rustfmt::skip]
    let fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)];
    let easter = easter_sunday(y);
    fixed.contains(&(m, d)) || [easter + 1, easter + 39, easter + 50].contains(&days)
}

/// A weekday, not a public holiday, not in August.
fn is_session_day(days: i64) -> bool {
    weekday(days) < 5 && !is_holiday(days) && civil_from_days(days).1 != 8
}

fn next_session_day(mut days: i64) -> i64 {
    while !is_session_day(days) {
        days += 1;
    }
    days
}

fn last_sunday(y: i64, m: u32) -> i64 {
    let last = days_from_civil(y, m, 31);
    last - (weekday(last) + 1) % 7
}

/// Minutes since the epoch (UTC) of a Paris wall-clock time: CEST (UTC+2)
/// from the last Sunday of March to the last Sunday of October, CET (UTC+1)
/// otherwise (exact for daytime hours).
fn paris_to_utc(days: i64, hour: i64, minute: i64) -> i64 {
    let (y, _, _) = civil_from_days(days);
    let summer = (last_sunday(y, 3)..last_sunday(y, 10)).contains(&days);
    let offset = if summer { 2 } else { 1 };
    days * 1440 + (hour - offset) * 60 + minute
}

fn rfc3339(minutes: i64) -> String {
    let (y, m, d) = civil_from_days(minutes.div_euclid(1440));
    let t = minutes.rem_euclid(1440);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z", t / 60, t % 60)
}

fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| days_from_civil(y, m, d))
}

/// What a session needs beyond its date.
struct Plan<'a> {
    key: &'a str,
    format: &'static str,
    minutes: i64,
    owner: Option<&'a str>,
    audience: DemoAudience,
    trainers: &'a [String],
    /// Paris start time; `None`: 09:00 on site, 10:00, 11:00 or 14:00 by video.
    start: Option<(i64, i64)>,
    /// Chance that a national on-site session is deployed in a delegation rather than in Paris.
    regional: f64,
    /// Inclusive capacity range (webinars round down to tens).
    capacity: (i64, i64),
}

fn plan<'a>(
    key: &'a str,
    format: &'static str,
    minutes: i64,
    audience: DemoAudience,
    trainers: &'a [String],
) -> Plan<'a> {
    #[rustfmt::skip]
    let plan = Plan { key, format, minutes, owner: None, audience, trainers, start: None, regional: 0.4, capacity: (12, 30) };
    plan
}

struct Gen<'a> {
    rng: ChaCha8Rng,
    delegations: &'a [DemoDelegationRef],
    first: i64,
    last: i64,
    year: i64,
    sessions: Vec<DemoSession>,
}

impl Gen<'_> {
    fn person(&mut self) -> String {
        let first = FIRST.choose(&mut self.rng).expect("first names");
        let last = LAST.choose(&mut self.rng).expect("last names");
        format!("{first} {last}")
    }

    fn date(&self, m: u32, d: u32) -> i64 {
        days_from_civil(self.year, m, d)
    }

    /// `n` distinct session days spread evenly over weighted windows of the
    /// plan year (a window outside the plan falls back to the whole plan).
    fn spread(&mut self, wins: &[((u32, u32), (u32, u32), usize)], n: usize) -> Vec<i64> {
        let total: usize = wins.iter().map(|w| w.2).sum();
        let (mut days, mut before) = (Vec::with_capacity(n), 0);
        for &((m1, d1), (m2, d2), w) in wins {
            let k = (n * (before + w) / total - n * before / total) as i64;
            before += w;
            let (mut from, mut to) = (
                self.date(m1, d1).max(self.first),
                self.date(m2, d2).min(self.last),
            );
            if from > to {
                (from, to) = (self.first, self.last);
            }
            let span = to - from + 1;
            for j in 0..k {
                // Each session in its own slice of the window when possible, else anywhere in it.
                let (lo, hi) = (from + span * j / k, from + span * (j + 1) / k);
                let mut tries = (0..200).map(|t| match t < 40 && hi > lo {
                    true => self.rng.random_range(lo..hi),
                    false => self.rng.random_range(from..=to),
                });
                let day = tries.find(|c| is_session_day(*c) && !days.contains(c));
                days.push(day.unwrap_or_else(|| next_session_day(to + 1 + j)));
            }
        }
        days
    }

    /// A site of the owner, else of any delegation (regional), else in Paris.
    fn site(&mut self, owner: Option<&str>, regional: bool) -> Option<(String, String)> {
        let paris = self
            .delegations
            .iter()
            .any(|d| d.code.starts_with("DR-PARIS"));
        let pool: Vec<&DemoDelegationRef> = (self.delegations.iter().enumerate())
            .filter(|(i, d)| match owner {
                Some(code) => d.code == code,
                None => regional || d.code.starts_with("DR-PARIS") || (!paris && *i == 0),
            })
            .map(|(_, d)| d)
            .filter(|d| !d.sites.is_empty())
            .collect();
        let d = pool.choose(&mut self.rng)?;
        let site = d.sites.choose(&mut self.rng)?;
        Some((d.code.clone(), site.clone()))
    }

    fn video_link(&mut self) -> String {
        let n = self.rng.random_range(100_000_000..1_000_000_000u32);
        format!("https://visio.example.fr/j/{n}")
    }

    fn session(&mut self, p: &Plan, day: i64) -> DemoSession {
        let on_site = matches!(p.format, "in_person" | "workshop");
        let (hour, minute) = match (p.start, p.format) {
            (Some(start), _) => start,
            (None, "webinar") => (*[10, 14, 14, 11].choose(&mut self.rng).expect("hours"), 0),
            _ => (9, 0),
        };
        let start = paris_to_utc(day, hour, minute);
        let regional = on_site && p.owner.is_none() && self.rng.random_bool(p.regional);
        let site = on_site.then(|| self.site(p.owner, regional)).flatten();
        let video_link = (!on_site).then(|| self.video_link());
        let delegation = match (p.owner, &site) {
            (Some(code), _) => Some(code.to_string()),
            (None, Some((code, _))) if regional => Some(code.clone()),
            _ => None,
        };
        let audience = match (&p.audience, &delegation) {
            (DemoAudience::Everyone, Some(code)) if self.rng.random_bool(0.75) => {
                DemoAudience::Delegations(vec![code.clone()])
            }
            (a, _) => a.clone(),
        };
        let capacity = self.rng.random_range(p.capacity.0..=p.capacity.1);
        let capacity = capacity - if on_site { 0 } else { capacity % 10 };
        let count = 1 + usize::from(on_site && self.rng.random_bool(0.4));
        let mut trainers: Vec<_> = p.trainers.choose_multiple(&mut self.rng, count).collect();
        trainers.sort();
        DemoSession {
            course: p.key.to_string(),
            starts_at: rfc3339(start),
            ends_at: rfc3339(start + p.minutes),
            site,
            video_link,
            trainers: trainers.into_iter().cloned().collect(),
            capacity,
            requires_approval: on_site && self.rng.random_bool(0.2),
            waitlist_mode: ["timed_offer", "automatic"][usize::from(self.rng.random_bool(0.2))],
            audience,
            delegation,
        }
    }
}

/// A scheduled course's catalogue entry.
fn scheduled(key: String, d: &D, owner: Option<&str>) -> DemoCourse {
    let D(title, kind, format, minutes, _, themes, audience, summary, objectives) = *d;
    DemoCourse {
        key,
        title: title.to_string(),
        summary: summary.to_string(),
        objectives: objectives.to_string(),
        audience: match audience {
            "" => default_audience(kind).to_string(),
            _ => audience.to_string(),
        },
        format,
        duration_minutes: minutes,
        themes: themes.iter().map(|t| t.to_string()).collect(),
        owner: owner.map(str::to_string),
        link: None,
        provider: None,
        effort_minutes: None,
        recommended_by: Vec::new(),
    }
}

/// An e-learning module's or a MOOC's catalogue entry (recommendations left empty).
fn online(key: String, o: &O, owner: Option<&str>) -> DemoCourse {
    let O(title, format, effort, provider, slug, themes, summary, objectives) = *o;
    let d = D(
        title, Dist, format, effort, 0, themes, "", summary, objectives,
    );
    let mut c = scheduled(key, &d, owner);
    (c.provider, c.effort_minutes) = (Some(provider.to_string()), Some(effort));
    c.link = Some(match format {
        "mooc" => format!("https://mooc.example.fr/courses/{slug}/"),
        _ => format!("https://elearning.example.fr/modules/{slug}"),
    });
    if format == "mooc" {
        c.audience = "Agents souhaitant se former à leur rythme, notamment en télétravail".into();
    }
    c
}

/// Generates the year's training offer and sessions. `year_start` is the
/// first day of the plan (`YYYY-MM-DD`); sessions run until 347 days later,
/// never on weekends, French public holidays or in August. Owners, sites,
/// recommendations and organising delegations are taken from `delegations`
/// (with none, everything is national and on-site sessions have no site).
/// Courses come in a fixed order with seed-independent keys: the four
/// `pub const` keys first, then `C001`…
///
/// # Panics
/// If `year_start` is not a `YYYY-MM-DD` date.
pub fn generate(seed: u64, delegations: &[DemoDelegationRef], year_start: &str) -> DemoTraining {
    let first = parse_date(year_start).expect("year_start must be a YYYY-MM-DD date");
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
        delegations,
        first,
        last: first + 347,
        year: civil_from_days(first).0,
        sessions: Vec::new(),
    };
    let codes: Vec<&str> = delegations.iter().map(|d| d.code.as_str()).collect();

    // Owners: half of the catalogue national (the special courses are), the
    // rest spread evenly over the delegations.
    let n = SCHEDULED.len() + ONLINE.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut g.rng);
    let mut rotation = codes.clone();
    rotation.shuffle(&mut g.rng);
    let mut owners: Vec<Option<&str>> = vec![None; n];
    if !rotation.is_empty() {
        let national = (n + SPECIAL.len()) / 2 - SPECIAL.len();
        for (j, &i) in order[national..].iter().enumerate() {
            owners[i] = Some(rotation[j % rotation.len()]);
        }
    }

    let mut courses: Vec<DemoCourse> = SPECIAL
        .iter()
        .map(|(key, d)| scheduled(key.to_string(), d, None))
        .collect();
    courses[2].provider = Some("Cap Managers Conseil".to_string());
    courses[3].provider = courses[2].provider.clone();
    special_sessions(&mut g);
    for (i, d) in SCHEDULED.iter().enumerate() {
        let mut c = scheduled(format!("C{:03}", i + 1), d, owners[i]);
        let D(_, kind, format, minutes, count, ..) = *d;
        let (firm_pool, p) = firms(kind);
        if g.rng.random_bool(p) {
            c.provider = firm_pool.choose(&mut g.rng).map(|f| f.to_string());
        }
        let mut trainers: Vec<_> = (0..g.rng.random_range(2..=3)).map(|_| g.person()).collect();
        trainers.sort();
        trainers.dedup();
        let audience = match kind {
            Man | Ret => DemoAudience::Managers,
            Phd => DemoAudience::PhdSupervisors,
            _ => DemoAudience::Everyone,
        };
        let capacity = match (format, kind) {
            ("webinar", Lang) => (50, 100),
            ("webinar", Dist) => (100, 300),
            ("webinar", _) => (50, 200),
            ("workshop", _) | (_, Lang) => (8, 16),
            _ => (12, 30),
        };
        let plan = plan(&c.key, format, minutes, audience, &trainers);
        let plan = Plan {
            owner: owners[i],
            capacity,
            ..plan
        };
        for day in g.spread(windows(kind), count) {
            let s = g.session(&plan, day);
            g.sessions.push(s);
        }
        courses.push(c);
    }

    for (i, o) in ONLINE.iter().enumerate() {
        let owner = owners[SCHEDULED.len() + i];
        let mut c = online(format!("C{:03}", SCHEDULED.len() + i + 1), o, owner);
        let most = if c.format == "mooc" { 6 } else { 4 };
        let k = g.rng.random_range(2..=most).min(codes.len());
        let mut picked: Vec<&str> = codes.choose_multiple(&mut g.rng, k).copied().collect();
        if let Some(owner) = owner.filter(|o| !picked.contains(o)) {
            picked[0] = owner;
        }
        let in_order = codes.iter().filter(|c| picked.contains(c));
        c.recommended_by = in_order.map(|c| c.to_string()).collect();
        courses.push(c);
    }

    let mut sessions = g.sessions;
    sessions.sort_by(|a, b| (&a.starts_at, &a.course).cmp(&(&b.starts_at, &b.course)));
    DemoTraining { courses, sessions }
}

/// Sessions of the special courses: three lockdown webinars for PhD
/// supervisors in late March and April (80 seats), the same opened to all
/// in May, and the manager cycle's webinar (spring and autumn) each followed
/// by exchange workshops in small groups across the delegations.
fn special_sessions(g: &mut Gen) {
    let hosts = ["Hélène Marchand", "Laurent Giraud", "Claire Besson"].map(String::from);
    let coaches = ["Sophie Aubert", "Olivier Renaud"].map(String::from);
    #[rustfmt::skip]
    let series = [
        (LOCKDOWN_WEBINARS, DemoAudience::PhdSupervisors, 80, [(3, 26), (4, 2), (4, 16)]),
        (LOCKDOWN_WEBINARS_OPEN, DemoAudience::Everyone, 300, [(5, 12), (5, 19), (5, 26)]),
    ];
    for (key, audience, seats, dates) in series {
        let plan = Plan {
            start: Some((14, 0)),
            capacity: (seats, seats),
            ..plan(key, "webinar", 90, audience, &hosts)
        };
        for (i, (m, d)) in dates.into_iter().enumerate() {
            let mut s = g.session(&plan, next_session_day(g.date(m, d)));
            // Two hosts; an occupational psychologist joins them for the third.
            s.trainers = hosts[..if i == 2 { 3 } else { 2 }].to_vec();
            s.waitlist_mode = "timed_offer";
            g.sessions.push(s);
        }
    }
    let managers = || DemoAudience::Managers;
    let webinar = Plan {
        start: Some((10, 0)),
        capacity: (150, 150),
        ..plan(MANAGER_CYCLE_WEBINAR, "webinar", 120, managers(), &coaches)
    };
    for (m, d) in [(4, 23), (9, 17)] {
        let mut s = g.session(&webinar, next_session_day(g.date(m, d)));
        s.trainers = coaches.to_vec();
        g.sessions.push(s);
    }
    let workshops = plan(
        MANAGER_CYCLE_WORKSHOPS,
        "workshop",
        210,
        managers(),
        &coaches,
    );
    let workshops = Plan {
        regional: 1.0,
        capacity: (8, 12),
        ..workshops
    };
    let halves = [((5, 25), (7, 10), 1), ((10, 1), (12, 11), 1)];
    for day in g.spread(&halves, SPECIAL[3].1.4) {
        let s = g.session(&workshops, day);
        g.sessions.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rustfmt::skip]
    const STUB: &[(&str, &[&str])] = &[
        ("DR-PARIS5", &["Site Cochin", "Site Necker-Enfants malades", "Campus Pasteur"]), ("DR-PARIS6", &["Site Pitié-Salpêtrière", "Site Saint-Antoine"]),
        ("DR-PARIS7", &["Site Bichat"]), ("DR-PARIS11", &["Site de Villejuif", "Campus d'Orsay"]), ("DR-PARIS12", &["Site Henri-Mondor"]),
        ("DR-NORD-OUEST", &["Campus Santé de Lille", "Site de Rouen"]), ("DR-GRAND-OUEST", &["Campus Santé de Nantes", "Site de Villejean"]),
        ("DR-NOUVELLE-AQUITAINE", &["Campus Carreire"]), ("DR-OCCITANIE-MED", &["Site Saint-Éloi"]), ("DR-OCCITANIE-PYR", &["Site Rangueil", "Oncopole"]),
        ("DR-PACA", &["Site de la Timone", "Parc scientifique de Luminy", "Site Pasteur"]), ("DR-AURA", &["Site Lyon-Est"]), ("DR-EST", &["Site de Brabois"]),
    ];

    fn delegations() -> Vec<DemoDelegationRef> {
        let sites = |s: &[&str]| s.iter().map(|s| s.to_string()).collect();
        let stub = STUB.iter();
        stub.map(|(c, s)| DemoDelegationRef {
            code: c.to_string(),
            sites: sites(s),
        })
        .collect()
    }

    fn demo() -> DemoTraining {
        generate(7, &delegations(), "2020-01-06")
    }

    /// Minutes since the epoch of an instant written by `rfc3339`.
    fn minutes(s: &str) -> i64 {
        assert!(s.len() == 20 && s.ends_with(":00Z"), "{s}");
        let (h, m): (i64, i64) = (s[11..13].parse().unwrap(), s[14..16].parse().unwrap());
        parse_date(&s[..10]).unwrap() * 1440 + h * 60 + m
    }

    fn course<'a>(t: &'a DemoTraining, key: &str) -> &'a DemoCourse {
        t.courses.iter().find(|c| c.key == key).unwrap()
    }

    fn sessions<'a>(t: &'a DemoTraining, key: &str) -> Vec<&'a DemoSession> {
        t.sessions.iter().filter(|s| s.course == key).collect()
    }

    fn online(c: &DemoCourse) -> bool {
        matches!(c.format, "elearning" | "mooc")
    }

    #[test]
    fn deterministic() {
        let d = delegations();
        assert_eq!(generate(7, &d, "2020-01-06"), generate(7, &d, "2020-01-06"));
        let other = generate(8, &d, "2020-01-06");
        assert_ne!(demo().sessions, other.sessions);
        let keys = |t: &DemoTraining| t.courses.iter().map(|c| c.key.clone()).collect::<Vec<_>>();
        assert_eq!(
            keys(&demo()),
            keys(&other),
            "keys do not depend on the seed"
        );
    }

    #[test]
    fn sizes_keys_and_owners() {
        let t = demo();
        let (courses, sessions) = (t.courses.len(), t.sessions.len());
        assert!((110..=130).contains(&courses) && (380..=420).contains(&sessions));
        let mut keys: Vec<&str> = t.courses.iter().map(|c| c.key.as_str()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), courses);
        let count = |f: &str| t.courses.iter().filter(|c| c.format == f).count();
        assert!((18..=22).contains(&count("elearning")) && (13..=17).contains(&count("mooc")));
        let national = t.courses.iter().filter(|c| c.owner.is_none()).count();
        assert!(
            (45..=55).contains(&(national * 100 / courses)),
            "{national}"
        );
        let owners: Vec<_> = t
            .courses
            .iter()
            .filter_map(|c| c.owner.as_deref())
            .collect();
        assert!(STUB.iter().all(|(code, _)| owners.contains(code)));
    }

    #[test]
    fn sessions_fall_on_working_days_in_the_plan() {
        let t = demo();
        let (first, last) = (
            parse_date("2020-01-06").unwrap(),
            parse_date("2020-12-18").unwrap(),
        );
        for s in &t.sessions {
            let (start, end) = (minutes(&s.starts_at), minutes(&s.ends_at));
            let day = start / 1440;
            assert!(
                end > start && end / 1440 == day && (first..=last).contains(&day),
                "{s:?}"
            );
            assert!(weekday(day) < 5 && !is_holiday(day), "{s:?}");
            assert_ne!(&s.starts_at[5..7], "08", "{s:?}");
            let c = course(&t, &s.course);
            assert!(!online(c) && end - start == c.duration_minutes, "{s:?}");
            let local = (start - paris_to_utc(day, 0, 0)) / 60;
            assert!((9..=14).contains(&local), "{s:?}");
        }
        #[rustfmt::skip]
        let holidays = ["2020-01-01", "2020-04-13", "2020-05-01", "2020-05-08", "2020-05-21", "2020-06-01", "2020-07-14", "2020-11-11", "2020-12-25"];
        for holiday in holidays {
            assert!(is_holiday(parse_date(holiday).unwrap()), "{holiday}");
            assert!(!t.sessions.iter().any(|s| s.starts_at.starts_with(holiday)));
        }
        assert!(!is_holiday(parse_date("2020-04-14").unwrap()));
        for c in t.courses.iter().filter(|c| !online(c)) {
            assert!(!sessions(&t, &c.key).is_empty(), "{} has no session", c.key);
        }
    }

    #[test]
    fn sessions_are_consistent() {
        let (t, d) = (demo(), delegations());
        for s in &t.sessions {
            let c = course(&t, &s.course);
            if c.format == "webinar" {
                let link = s.video_link.as_deref().unwrap();
                assert!(s.site.is_none() && link.starts_with("https://visio.example.fr/j/"));
                assert!((50..=300).contains(&s.capacity), "{s:?}");
            } else {
                let (code, site) = s.site.as_ref().unwrap();
                assert!(d.iter().any(|x| &x.code == code && x.sites.contains(site)));
                assert!(
                    s.video_link.is_none() && (8..=30).contains(&s.capacity),
                    "{s:?}"
                );
            }
            if let Some(owner) = &c.owner {
                assert_eq!(s.delegation.as_ref(), Some(owner));
            }
            if let DemoAudience::Delegations(codes) = &s.audience {
                assert_eq!(Some(codes), s.delegation.clone().map(|d| vec![d]).as_ref());
            }
            assert!(!s.trainers.is_empty());
            assert!(matches!(s.waitlist_mode, "timed_offer" | "automatic"));
        }
        let on_site: Vec<_> = t.sessions.iter().filter(|s| s.site.is_some()).collect();
        let approval = on_site.iter().filter(|s| s.requires_approval).count();
        assert!(
            (10..=30).contains(&(approval * 100 / on_site.len())),
            "{approval}"
        );
        assert!(
            t.sessions
                .windows(2)
                .all(|w| w[0].starts_at <= w[1].starts_at)
        );
    }

    #[test]
    fn lockdown_webinars_and_manager_cycle() {
        let t = demo();
        let c = course(&t, LOCKDOWN_WEBINARS);
        let title = c.title.to_lowercase();
        assert!(title.contains("webinaire") && title.contains("doctorants"));
        assert_eq!(c.format, "webinar");
        let supervisors = sessions(&t, LOCKDOWN_WEBINARS);
        assert_eq!(supervisors.len(), 3);
        for s in supervisors {
            assert_eq!(
                (&s.audience, s.capacity),
                (&DemoAudience::PhdSupervisors, 80)
            );
            assert!(
                ("2020-03-23".."2020-05-01").contains(&s.starts_at.as_str()),
                "{s:?}"
            );
        }
        assert!(
            course(&t, LOCKDOWN_WEBINARS_OPEN)
                .title
                .contains("ouvert à tous")
        );
        let open = sessions(&t, LOCKDOWN_WEBINARS_OPEN);
        assert_eq!(open.len(), 3);
        for s in open {
            assert!(s.audience == DemoAudience::Everyone && s.starts_at.starts_with("2020-05"));
        }
        let webinar = &sessions(&t, MANAGER_CYCLE_WEBINAR)[0].starts_at;
        let workshops = sessions(&t, MANAGER_CYCLE_WORKSHOPS);
        assert!(workshops.len() >= 10);
        assert!(
            workshops
                .iter()
                .all(|s| &s.starts_at > webinar && s.capacity <= 12)
        );
    }

    #[test]
    fn online_offer() {
        let t = demo();
        for c in &t.courses {
            let Some(link) = &c.link else {
                assert!(!online(c) && c.recommended_by.is_empty());
                continue;
            };
            assert!(online(c) && link.starts_with("https://") && link.contains(".example.fr/"));
            assert!(c.provider.is_some() && c.effort_minutes.is_some_and(|e| e > 0));
            assert!((2..=6).contains(&c.recommended_by.len()), "{c:?}");
            let known = |r: &String| STUB.iter().any(|d| d.0 == r);
            assert!(c.recommended_by.iter().all(known));
            assert!(c.owner.iter().all(|o| c.recommended_by.contains(o)));
        }
    }

    #[test]
    fn paris_time() {
        let at = |date: &str, h| rfc3339(paris_to_utc(parse_date(date).unwrap(), h, 0));
        assert_eq!(at("2020-03-24", 9), "2020-03-24T08:00:00Z");
        assert_eq!(at("2020-04-07", 9), "2020-04-07T07:00:00Z");
        assert_eq!(at("2020-03-27", 9), "2020-03-27T08:00:00Z");
        assert_eq!(at("2020-03-30", 9), "2020-03-30T07:00:00Z");
        assert_eq!(at("2020-10-23", 14), "2020-10-23T12:00:00Z");
        assert_eq!(at("2020-10-26", 14), "2020-10-26T13:00:00Z");
        let switches = (last_sunday(2020, 3), last_sunday(2020, 10));
        assert_eq!(
            switches,
            (
                parse_date("2020-03-29").unwrap(),
                parse_date("2020-10-25").unwrap()
            )
        );
        assert_eq!(
            civil_from_days(parse_date("2020-02-29").unwrap()),
            (2020, 2, 29)
        );
        assert_eq!(weekday(parse_date("2020-01-06").unwrap()), 0);
    }

    #[test]
    fn without_delegations_everything_is_national() {
        let t = generate(1, &[], "2020-01-06");
        assert!(
            t.courses
                .iter()
                .all(|c| c.owner.is_none() && c.recommended_by.is_empty())
        );
        assert!(
            t.sessions
                .iter()
                .all(|s| s.site.is_none() && s.delegation.is_none())
        );
    }
}
