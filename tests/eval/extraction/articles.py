"""The article bodies behind the extraction eval set: fictional people and places, news style, written by us.

`build_pages.py` wraps each one in a page template (captions, share widgets, comment sections, ...) and writes the
HTML page plus its gold body. Lines starting with "## " are subheadings; they belong to the body.
"""

from __future__ import annotations

from typing import Any

ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "libraries-closure",
        "template": "classic",
        "site": "The Eastmere Courier",
        "author": "Joanna Pell",
        "date": "2025-01-07T18:20:00+00:00",
        "title": "Eastmere council votes to close three libraries despite 4,000-name petition",
        "paragraphs": [
            "Eastmere council voted on Tuesday night to close three of its seven branch libraries, despite a "
            "petition signed by more than 4,000 residents and a protest outside the town hall before the meeting.",
            "Councillor Mary Ashdown, the cabinet member for culture, told the chamber the decision had been taken "
            "with great reluctance but that a budget gap of 11 million pounds left the authority with no "
            "realistic alternative.",
            "Campaigners said the branches at Mill Street, Northfield and Camber Road were used heavily by "
            "pensioners and by children doing homework, and that the nearest remaining library would be two bus "
            "journeys away for many families.",
            "The closures are expected to save about 600,000 pounds a year, according to papers published before "
            "the meeting. Opposition councillors proposed using reserves to keep the buildings open for another "
            "year, but the amendment was defeated by 31 votes to 22.",
            "The council said it would offer the buildings to community groups that wanted to run them as "
            "volunteer libraries, and that a mobile library van would visit the affected areas twice a week from "
            "April.",
        ],
    },
    {
        "slug": "flood-defences-funding",
        "template": "classic",
        "site": "Riverside Daily",
        "author": "Tom Okafor",
        "date": "2025-01-09T07:05:00+00:00",
        "title": "Flood defence scheme for Harrowby delayed by two years as costs rise",
        "paragraphs": [
            "A flood defence scheme meant to protect 1,200 homes in Harrowby has been delayed by at least two years "
            "after the estimated cost rose by almost a third, the Environment Agency has confirmed.",
            "The embankment along the River Lyne was originally due to be finished in 2026. Officials now expect "
            "construction to start in 2027, with completion pushed back to the end of the decade.",
            "Residents on Wharf Lane, which flooded three times in the past five winters, said they were "
            "exasperated. Local resident Gillian Marsh said her insurance premium had tripled since the last flood "
            "and that she could no longer sell her house.",
            "The agency said the higher cost reflected steel and concrete prices and the need to redesign part of "
            "the wall after ground surveys found softer soil than expected near the old mill.",
            "The local MP has asked for a meeting with ministers and said temporary barriers should be installed "
            "before next winter so that residents are not left unprotected while the permanent scheme is built.",
        ],
    },
    {
        "slug": "bus-franchising",
        "template": "classic",
        "site": "Northern Ledger",
        "author": None,
        "date": "2025-02-03T11:00:00+00:00",
        "title": "Combined authority backs bus franchising in vote that ends decades of deregulation",
        "paragraphs": [
            "Leaders of the Calderbrook combined authority have voted to bring the region's buses under public "
            "control, the biggest change to local transport since services were deregulated in the 1980s.",
            "Under franchising, the authority will set routes, timetables and fares, and private operators will "
            "bid for contracts to run the services. The first routes are expected to switch in the autumn of next "
            "year.",
            "Mayor Daniel Rourke said passengers had put up with cancelled services and confusing tickets for too "
            "long, and promised a single fare cap across every operator within the first year.",
            "Operators warned that the timetable was ambitious. The regional bus association said its members "
            "would cooperate but that drivers were still in short supply and new depots would be needed.",
            "The authority expects the change to cost about 130 million pounds over five years, funded partly by "
            "government transport grants and partly by fare income that currently goes to the operators.",
        ],
    },
    {
        "slug": "rail-strike-live",
        "template": "liveblog",
        "site": "Metro Wire",
        "author": "Live desk",
        "date": "2025-01-14T06:30:00+00:00",
        "title": "Rail strike live: commuters face disruption as talks break down",
        "paragraphs": [
            "## Union says no new offer has been made",
            "The union representing signalling staff said it had received no new pay offer overnight and that the "
            "walkout would go ahead as planned across the western region.",
            "## Operator advises passengers to work from home",
            "The train operator has advised passengers to travel only if necessary. It expects to run about one "
            "train an hour on main lines between 7.30am and 6.30pm, with no services on most branch lines.",
            "## Roads busier than usual",
            "Traffic monitoring firms reported queues on the main approaches to the city centre from about 7am, "
            "with journey times roughly a quarter longer than on a normal Tuesday.",
            "## Talks to resume on Thursday",
            "Both sides have agreed to meet again on Thursday at the conciliation service. A spokesperson for the "
            "operator said it remained committed to reaching a settlement that was fair to staff and affordable.",
        ],
    },
    {
        "slug": "budget-day-live",
        "template": "liveblog",
        "site": "The Westgate Post",
        "author": "Politics team",
        "date": "2025-03-26T10:00:00+00:00",
        "title": "Spring statement live: what the Chancellor's announcements mean for you",
        "paragraphs": [
            "## Growth forecast cut",
            "The independent forecaster has cut its growth forecast for this year, saying weaker business "
            "investment and higher borrowing costs would weigh on the economy until next spring.",
            "## Fuel duty frozen again",
            "Fuel duty will be frozen for another twelve months. Motoring groups welcomed the decision, while "
            "environmental campaigners said it undermined efforts to reduce emissions from transport.",
            "## Opposition response",
            "Responding in the Commons, the shadow chancellor said families would see through the statement and "
            "accused the government of hiding spending cuts in the small print.",
            "## Analysts question the numbers",
            "Economists at a leading think tank said the fiscal rules were being met by the narrowest of margins "
            "and that any further rise in interest rates could wipe out the headroom entirely.",
        ],
    },
    {
        "slug": "election-count-live",
        "template": "liveblog",
        "site": "Shire Gazette",
        "author": "Newsroom",
        "date": "2025-05-02T01:15:00+00:00",
        "title": "Local elections live: counts continue through the night across the county",
        "paragraphs": [
            "## Turnout lower than four years ago",
            "Turnout across the county is running at about 31 per cent, returning officers said, several points "
            "lower than at the last set of elections in this cycle.",
            "## First result declared in Ashby ward",
            "The first result of the night came from Ashby ward, where the independent candidate Carol Newbury held "
            "her seat with an increased majority of 412.",
            "## Recount ordered in Fenwick",
            "A recount has been ordered in Fenwick after the two leading candidates finished just seven votes "
            "apart. Counting staff will start again from the sealed ballot boxes.",
            "## Council could change hands",
            "With half of the seats declared, no party has an overall majority. Officials expect the final results "
            "by early afternoon, when coalition talks are likely to begin.",
        ],
    },
    {
        "slug": "water-company-fine",
        "template": "cookiewall",
        "site": "The Clarion",
        "author": "Priya Shah",
        "date": "2025-01-21T12:40:00+00:00",
        "title": "Water company fined 9 million pounds over sewage spills into chalk stream",
        "paragraphs": [
            "A water company has been fined 9 million pounds after admitting that it allowed untreated sewage to "
            "flow into a protected chalk stream on dozens of occasions over three years.",
            "The court heard that faulty pumps at a treatment works near Lowbridge had been reported to managers "
            "repeatedly but were not repaired, leading to spills that killed fish along several miles of the river.",
            "The judge said the company's record keeping had been so poor that the true number of spills could not "
            "be established, and that the fine had to be large enough to be felt by shareholders.",
            "The company apologised and said it had since replaced the pumps and installed new monitors. It said "
            "the fine would be paid from profits rather than customers' bills.",
            "Anglers who first reported dead fish in 2021 said the ruling was welcome but came too late for the "
            "trout population, which they estimate will take a decade to recover.",
        ],
    },
    {
        "slug": "energy-grants",
        "template": "cookiewall",
        "site": "Home Front News",
        "author": "Alan Greaves",
        "date": None,
        "title": "Heat pump grant take-up falls short of target in first year",
        "paragraphs": [
            "Fewer than half of the heat pump grants budgeted for the first year of a regional scheme were claimed, "
            "according to figures released by the energy agency on Monday.",
            "Installers said many households were put off by the upfront cost that remained after the grant, and "
            "by waits of several months for a survey and fitting.",
            "The agency said applications had risen sharply in the final quarter and that it expected demand to "
            "increase now that more installers had been trained and certified.",
            "Consumer groups called for the grant to be made available to tenants as well as owners, saying renters "
            "were being left with the least efficient heating and the highest bills.",
        ],
    },
    {
        "slug": "school-funding",
        "template": "cookiewall",
        "site": "The Eastmere Courier",
        "author": "Joanna Pell",
        "date": "2025-02-11T08:00:00+00:00",
        "title": "Head teachers warn of staff cuts as school budgets fail to keep pace",
        "paragraphs": [
            "Head teachers across Eastmere have written to parents warning that they may have to cut teaching "
            "assistants and reduce after-school clubs next year because their budgets are not keeping pace with "
            "costs.",
            "The letter, signed by 41 heads, says energy bills, pay awards and rising numbers of pupils with special "
            "educational needs have left many schools planning for a deficit.",
            "Helen Carrow, head of St Anne's primary, said her school had already stopped replacing staff who left "
            "and that class sizes in her year six were now above thirty.",
            "The Department for Education said school funding was at a record level in cash terms and that it was "
            "reviewing how support for pupils with additional needs was allocated.",
            "The local authority said it would hold a meeting with heads next month to look at whether any "
            "central services could be shared to reduce costs.",
        ],
    },
    {
        "slug": "hospital-parking",
        "template": "comments",
        "site": "Westvale Herald",
        "author": "Sean Murphy",
        "date": "2025-01-16T15:30:00+00:00",
        "title": "Hospital parking charges to rise for visitors but stay free for night-shift staff",
        "paragraphs": [
            "Parking charges for visitors at Westvale General Hospital will rise from next month, the hospital "
            "trust has confirmed, with a four-hour stay going up from 5.20 to 6 pounds.",
            "The trust said the increase would pay for resurfacing and better lighting in the multi-storey car park, "
            "which patients and staff have complained about for several years.",
            "Parking will remain free for staff working night shifts and for parents of children staying overnight "
            "on the children's ward, as well as for blue badge holders.",
            "A patients' group said the increase would fall hardest on relatives of people with long stays in "
            "hospital, and asked the trust to introduce a weekly pass at a lower price.",
        ],
    },
    {
        "slug": "bridge-closure",
        "template": "comments",
        "site": "Portcastle Echo",
        "author": "Lydia Brennan",
        "date": "2025-03-04T09:45:00+00:00",
        "title": "Victorian bridge shut to traffic after inspection finds crumbling masonry",
        "paragraphs": [
            "The Victorian bridge that carries the main road into Portcastle has been closed to vehicles after an "
            "inspection found crumbling masonry under one of its arches.",
            "Engineers said the structure was not in danger of collapse but that heavy lorries could worsen the "
            "damage. Pedestrians and cyclists will still be able to cross.",
            "Diversions through the industrial estate add about four miles to journeys, and traders in the town "
            "centre said footfall had fallen noticeably in the first week.",
            "The council said repairs would take at least four months and cost an estimated 2.3 million pounds, "
            "and that it had applied for emergency funding from the Department for Transport.",
            "Bus operators have changed routes to use the diversion, and the council has asked satellite navigation "
            "companies to update their maps to stop lorries being sent towards the bridge.",
        ],
    },
    {
        "slug": "asylum-hotel-meeting",
        "template": "comments",
        "site": "Midland Chronicle",
        "author": "Rachel Dunn",
        "date": "2025-02-19T20:10:00+00:00",
        "title": "Public meeting hears calm questions and concerns over plans for asylum accommodation",
        "paragraphs": [
            "About 300 people attended a public meeting in Dunmore on Wednesday evening to ask questions about plans "
            "to house asylum seekers in a former hotel on the edge of the town.",
            "Officials from the Home Office contractor said the hotel would accommodate up to 150 single men while "
            "their claims were processed, and that on-site staff would be present around the clock.",
            "Residents asked about GP registrations, school places and bus services. The local health board said it "
            "had been told about the plans and was preparing to offer health checks at the site.",
            "Several speakers said they wanted to welcome people fleeing danger but were worried that local "
            "services were already stretched. The meeting ended without disorder, police said.",
        ],
    },
    {
        "slug": "prison-capacity",
        "template": "pullquote",
        "site": "The Justice Record",
        "author": "Marcus Hale",
        "date": "2025-02-06T06:00:00+00:00",
        "title": "Prisons close to capacity as inspectors warn of overcrowding at three jails",
        "paragraphs": [
            "Three prisons in the region are operating at more than 140 per cent of the capacity they were designed "
            "for, according to a report published by the prisons inspectorate on Thursday.",
            "Inspectors found cells built for one prisoner holding two, with a toilet screened only by a curtain, "
            "and men spending up to 22 hours a day locked up because of staff shortages.",
            "The chief inspector wrote that overcrowding was undermining every effort to reduce reoffending. "
            "Education classes and workshops had been cancelled repeatedly for lack of officers.",
            "\u201cYou cannot rehabilitate people you cannot get out of their cells,\u201d said Dr Ruth Penhale, "
            "a former governor who now advises the inspectorate.",
            "The Ministry of Justice said it was building thousands of new prison places and had introduced early "
            "release for some prisoners to ease pressure while construction continued.",
        ],
        "pull_quote": "You cannot rehabilitate people you cannot get out of their cells",
    },
    {
        "slug": "university-funding",
        "template": "pullquote",
        "site": "Campus Times",
        "author": "Elena Vos",
        "date": "2025-03-12T13:00:00+00:00",
        "title": "University plans to cut 300 jobs as international student numbers fall",
        "paragraphs": [
            "A university in the north-west has announced plans to cut up to 300 jobs after a sharp fall in the "
            "number of international students enrolling on its master's courses.",
            "The vice-chancellor, Professor Ian Corrie, told staff in an email that income had fallen by 28 million "
            "pounds in a year and that the university could not continue to spend more than it earned.",
            "\u201cThese are the hardest decisions I have had to take in my career,\u201d Professor Corrie wrote, "
            "adding that voluntary redundancy would be offered first.",
            "The lecturers' union said it would ballot members for strike action if compulsory redundancies were "
            "not ruled out, and accused management of expanding too quickly in the good years.",
            "Sector bodies have warned that a number of universities are in financial difficulty, with domestic "
            "tuition fees worth less in real terms every year since they were last raised.",
        ],
        "pull_quote": "These are the hardest decisions I have had to take in my career",
    },
    {
        "slug": "ambulance-waits",
        "template": "pullquote",
        "site": "Westvale Herald",
        "author": "Sean Murphy",
        "date": "2025-01-28T07:30:00+00:00",
        "title": "Ambulance crews waited more than 10,000 hours outside hospitals last month",
        "paragraphs": [
            "Ambulance crews in the region spent more than 10,000 hours waiting outside hospitals to hand over "
            "patients last month, the highest figure recorded for any January.",
            "The ambulance service said the delays meant crews could not respond to new emergency calls, and that "
            "average response times for heart attacks and strokes had lengthened as a result.",
            "Paramedic Leanne Fisk said she had spent an entire twelve-hour shift caring for a single patient in "
            "the back of her ambulance outside Westvale General.",
            "\u201cWe are an emergency service stuck in a car park,\u201d Ms Fisk said. \u201cSomewhere out there "
            "someone is waiting for us.\u201d",
            "Hospital managers said they were opening extra beds and working with councils to discharge patients "
            "who were medically fit to go home but waiting for care packages.",
        ],
        "pull_quote": "We are an emergency service stuck in a car park",
    },
    {
        "slug": "housing-plan",
        "template": "related",
        "site": "Northern Ledger",
        "author": "Kit Abara",
        "date": "2025-02-24T10:20:00+00:00",
        "title": "Green belt sites earmarked for 8,000 homes in draft local plan",
        "paragraphs": [
            "Land on the green belt around Calderbrook could be released for up to 8,000 new homes under a draft "
            "local plan published by the council on Monday.",
            "The plan identifies eleven sites, most of them former farmland next to existing villages. The council "
            "says it has no choice because the government has raised its housing target by more than half.",
            "Residents in Hebble End, where 1,400 homes are proposed, said the village school and surgery were "
            "already full and that the only road in was a narrow lane.",
            "The council says developers would be required to fund a new primary school, a health centre and road "
            "improvements before the first houses are occupied.",
            "A public consultation will run for ten weeks. The final plan must then be examined by an independent "
            "planning inspector before it can be adopted.",
        ],
    },
    {
        "slug": "court-backlog",
        "template": "related",
        "site": "The Justice Record",
        "author": "Marcus Hale",
        "date": "2025-03-18T06:45:00+00:00",
        "title": "Crown court backlog reaches new high with some trials listed for 2028",
        "paragraphs": [
            "The number of cases waiting to be heard in the crown courts has reached a new high, with some trials "
            "now being listed for dates in 2028, official figures show.",
            "Barristers said victims of serious crimes were withdrawing from cases because they could not face "
            "waiting years to give evidence, and that defendants held on remand were spending longer in prison "
            "before trial.",
            "The figures show that the number of sitting days funded by the government has risen, but that a "
            "shortage of judges and court staff has meant not all of them can be used.",
            "A retired judge, Dame Frances Lowther, has been asked to lead a review of whether some cases could be "
            "heard by a judge sitting alone, a proposal that has divided lawyers.",
        ],
    },
    {
        "slug": "broadband-rollout",
        "template": "related",
        "site": "Rural Voice",
        "author": "Bethan Lloyd",
        "date": "2025-04-01T09:00:00+00:00",
        "title": "Hill farms still waiting for fast broadband promised three years ago",
        "paragraphs": [
            "Dozens of hill farms in the upper Tarn valley are still waiting for the fast broadband connections they "
            "were promised three years ago, with some told they may not be connected until 2027.",
            "Farmer Owen Pryce said he had to drive to a lay-by on the main road to get a signal strong enough to "
            "submit his livestock movement records online.",
            "The contractor said the remote properties were among the most expensive in the country to reach, with "
            "some requiring miles of new cable across open moorland.",
            "The government agency overseeing the programme said it was considering satellite connections for the "
            "hardest to reach homes and would write to affected households by the summer.",
        ],
    },
    {
        "slug": "care-explainer",
        "template": "toc",
        "site": "The Westgate Post",
        "author": "Amira Haddad",
        "date": "2025-01-30T05:00:00+00:00",
        "title": "Social care explained: who pays, who qualifies and what could change",
        "paragraphs": [
            "Reform of adult social care has been promised by successive governments. This guide sets out how the "
            "system works now and the main options being discussed.",
            "## Who pays for care now",
            "In England, people with savings and property above a threshold pay for their own care. Councils pay for "
            "those below it, after a means test that many families find difficult to follow.",
            "## Why councils are struggling",
            "Councils say the cost of care packages has risen faster than their funding, and that care providers "
            "are handing back contracts because they cannot recruit enough staff.",
            "## What could change",
            "Options under discussion include a cap on lifetime care costs, a national care service, and a higher "
            "minimum wage for care workers funded by central government.",
            "## When will decisions be made",
            "An independent commission is due to report in stages, with its first recommendations expected next "
            "year. Campaigners say the timetable is too slow for families needing help now.",
        ],
    },
    {
        "slug": "inquiry-explainer",
        "template": "toc",
        "site": "The Clarion",
        "author": "Priya Shah",
        "date": "2025-01-08T16:00:00+00:00",
        "title": "How public inquiries work: powers, costs and what they can recommend",
        "paragraphs": [
            "Public inquiries are set up by ministers to investigate matters of public concern. They can take years "
            "and cost tens of millions of pounds, and their recommendations are not binding.",
            "## Statutory and non-statutory inquiries",
            "A statutory inquiry can compel witnesses to attend and documents to be produced. A non-statutory "
            "inquiry relies on cooperation, which can make it quicker but less thorough.",
            "## Who chairs them",
            "Chairs are usually senior judges or experts in the field. They are appointed by the minister who sets "
            "up the inquiry, who also agrees its terms of reference.",
            "## What happens to the findings",
            "The government is expected to respond to the recommendations, but it does not have to accept them. "
            "Campaigners often complain that recommendations from earlier inquiries were never implemented.",
        ],
    },
    {
        "slug": "air-quality-explainer",
        "template": "toc",
        "site": "Metro Wire",
        "author": "Hannah Kirwan",
        "date": "2025-04-07T08:30:00+00:00",
        "title": "Clean air zone: which vehicles will pay and where the boundary runs",
        "paragraphs": [
            "The city's clean air zone comes into force in June. Older, more polluting vehicles will be charged a "
            "daily fee to drive inside the inner ring road.",
            "## Which vehicles are affected",
            "Petrol cars registered before 2006 and diesel cars registered before September 2015 will generally be "
            "charged. Vans, taxis and lorries have separate standards.",
            "## How much it costs",
            "The daily charge will be 8 pounds for cars and vans and 50 pounds for lorries and coaches. Fines for "
            "non-payment start at 120 pounds.",
            "## Exemptions and grants",
            "Residents on low incomes inside the zone can apply for a two-year exemption, and small businesses can "
            "apply for grants of up to 4,500 pounds towards a cleaner vehicle.",
        ],
    },
    {
        "slug": "river-pollution",
        "template": "captionecho",
        "site": "Riverside Daily",
        "author": "Tom Okafor",
        "date": "2025-02-14T12:00:00+00:00",
        "title": "Algal blooms return to lake as farm run-off blamed for falling water quality",
        "paragraphs": [
            "Thick green algal blooms have returned to Lake Ormsby for the third summer running, prompting warnings "
            "to dog owners and swimmers to stay out of the water.",
            "Scientists from the regional university said phosphate levels in the streams feeding the lake were "
            "well above safe limits, with run-off from fields and septic tanks the main sources.",
            "Sailing club members said the water had turned the colour of pea soup by late July and that junior "
            "training sessions had been cancelled for six weeks.",
            "Farmers' representatives said most growers had cut fertiliser use and that blaming agriculture alone "
            "ignored the role of sewage works and housing development.",
            "The water regulator said it would publish a recovery plan for the lake in the autumn, including limits "
            "on new connections to the local treatment works.",
        ],
        "caption_index": 2,
    },
    {
        "slug": "park-renaming",
        "template": "captionecho",
        "site": "Shire Gazette",
        "author": "Colin Frame",
        "date": "2025-03-21T17:00:00+00:00",
        "title": "Park to be renamed after nurse who founded town's first maternity clinic",
        "paragraphs": [
            "Victoria Gardens in Ashby is to be renamed after Edith Rowley, the nurse who opened the town's first "
            "maternity clinic in 1921, following a public vote.",
            "More than 6,000 people took part in the vote, and Rowley's name was chosen ahead of a local footballer "
            "and a wartime pilot by a clear margin.",
            "Rowley trained in London before returning to Ashby, where she ran the clinic for three decades and "
            "campaigned for free milk for expectant mothers.",
            "A new sign and a plaque telling her story will be unveiled in the summer. Some residents had argued "
            "that the historic name should be kept, and the council said it would remain on the gates.",
        ],
        "caption_index": 0,
    },
    {
        "slug": "bin-strike",
        "template": "captionecho",
        "site": "Midland Chronicle",
        "author": "Rachel Dunn",
        "date": "2025-04-10T07:00:00+00:00",
        "title": "Bin strike enters fourth week as rubbish piles up on city streets",
        "paragraphs": [
            "Refuse collectors in Dunmore have been on strike for four weeks, and bags of rubbish are piling up on "
            "pavements in several neighbourhoods.",
            "The dispute is over a restructuring that the union says would cut the pay of some drivers by up to "
            "3,000 pounds a year. The council says the changes are needed to make pay fair across all staff.",
            "Residents in terraced streets without space for wheelie bins said rats had been seen around piles of "
            "black bags, and the council has opened temporary drop-off points.",
            "Environmental health officers have been asked to monitor the worst affected areas. Talks between the "
            "council and the union are due to resume next week.",
        ],
        "caption_index": 2,
    },
    {
        "slug": "library-volunteers",
        "template": "newsletter",
        "site": "The Eastmere Courier",
        "author": "Dev Patel",
        "date": "2025-04-15T09:10:00+00:00",
        "title": "Volunteers take over Northfield library weeks after council closure",
        "paragraphs": [
            "Northfield library has reopened with volunteers behind the counter, six weeks after the council closed "
            "it as part of a round of budget cuts.",
            "A community trust has taken a five-year lease on the building at a nominal rent. Its chair, retired "
            "teacher Barbara Quinn, said 80 people had signed up to help.",
            "The library will open four days a week instead of six. The council has agreed to lend books from its "
            "central stock and to keep the building connected to the catalogue.",
            "Library campaigners welcomed the reopening but warned that volunteer-run branches elsewhere had "
            "struggled to keep going once initial enthusiasm faded.",
        ],
    },
    {
        "slug": "police-inspection",
        "template": "newsletter",
        "site": "Portcastle Echo",
        "author": "Lydia Brennan",
        "date": "2025-02-27T11:30:00+00:00",
        "title": "Police force placed in special measures after failing to answer 999 calls quickly",
        "paragraphs": [
            "The county police force has been placed under enhanced monitoring by inspectors after it was found to "
            "be too slow answering emergency calls and recording crimes accurately.",
            "Inspectors said one in five 999 calls was not answered within ten seconds, and that some reports of "
            "domestic abuse had been closed without the victim being contacted.",
            "Chief Constable Andrew Moffat said the force accepted the findings and had already recruited extra "
            "call handlers. He said performance had improved since the inspection.",
            "The police and crime commissioner said she would hold the chief constable to account at monthly public "
            "meetings until the force was removed from monitoring.",
        ],
    },
    {
        "slug": "port-freight",
        "template": "newsletter",
        "site": "Coastline Business",
        "author": "Ruth Adeyemi",
        "date": "2025-03-05T06:15:00+00:00",
        "title": "Port freight volumes recover as new rail link cuts lorry journeys",
        "paragraphs": [
            "Freight volumes at the port of Saltmarsh have returned to their pre-pandemic level, helped by a new "
            "rail connection that opened last year.",
            "The port authority said a third of containers now left by train, taking about 400 lorry journeys a day "
            "off the coast road through the villages.",
            "Hauliers said the change had reduced queues at the gate, although some smaller firms complained that "
            "rail slots were booked up weeks in advance by the biggest shippers.",
            "The port plans to double the length of its rail sidings by 2027 and has applied for planning consent "
            "to build a second warehouse on reclaimed land.",
        ],
    },
    {
        "slug": "nhs-waiting-figures",
        "template": "table",
        "site": "Health Service Journal Online",
        "author": "Grace Mbeki",
        "date": "2025-01-13T09:30:00+00:00",
        "title": "Waiting lists fall slightly in three of four hospital trusts",
        "paragraphs": [
            "Waiting lists for planned hospital treatment fell slightly in three of the region's four hospital "
            "trusts in November, according to figures published on Thursday.",
            "The biggest fall was at Westvale, where extra weekend operating lists cut the number of people waiting "
            "for hip and knee replacements.",
            "TABLE",
            "Managers warned that winter pressures, including high numbers of patients with flu, were likely to "
            "slow progress in the coming months.",
            "The number of people waiting more than a year for treatment rose at Portcastle, which the trust blamed "
            "on the temporary closure of two theatres for repairs.",
        ],
        "table": [
            ["Trust", "Waiting in October", "Waiting in November"],
            ["Westvale", "61,200", "59,850"],
            ["Portcastle", "44,900", "45,310"],
            ["Calderbrook", "52,040", "51,600"],
            ["Eastmere", "38,770", "38,420"],
        ],
    },
    {
        "slug": "council-tax",
        "template": "table",
        "site": "Northern Ledger",
        "author": "Kit Abara",
        "date": "2025-02-21T14:00:00+00:00",
        "title": "Council tax to rise by the maximum allowed in four of five districts",
        "paragraphs": [
            "Four of the five district councils in the county will raise council tax by the maximum allowed without "
            "a referendum, adding about 100 pounds a year to a typical bill.",
            "Council leaders said rising demand for children's services and temporary accommodation had left them "
            "with no option, and that reserves had already been used to balance previous budgets.",
            "TABLE",
            "Only Hebble Vale will raise its share by less, after selling a disused depot for housing and using "
            "part of the proceeds to support this year's budget.",
        ],
        "table": [
            ["District", "Rise", "Band D bill"],
            ["Calderbrook", "4.99%", "2,214 pounds"],
            ["Hebble Vale", "2.99%", "2,101 pounds"],
            ["Marsden", "4.99%", "2,260 pounds"],
        ],
    },
    {
        "slug": "farm-subsidy",
        "template": "table",
        "site": "Rural Voice",
        "author": "Bethan Lloyd",
        "date": "2025-03-28T07:45:00+00:00",
        "title": "Farmers say new environmental payments do not replace lost subsidy",
        "paragraphs": [
            "Farmers in the uplands say the new environmental payments scheme does not make up for the direct "
            "subsidy that is being phased out, leaving many family farms facing losses.",
            "Sheep farmer Megan Howells said her payments would fall by about a third even after signing up to plant "
            "hedges and restore a wet meadow.",
            "TABLE",
            "The department said the scheme rewarded farmers for public goods such as cleaner water and wildlife "
            "habitats, and that more options would be added next year.",
        ],
        "table": [
            ["Year", "Direct payment", "Environmental payments"],
            ["2023", "24,000 pounds", "3,500 pounds"],
            ["2025", "9,600 pounds", "11,200 pounds"],
        ],
    },
    {
        "slug": "by-election-result",
        "template": "classic",
        "site": "Shire Gazette",
        "author": "Colin Frame",
        "date": "2025-06-06T03:30:00+00:00",
        "title": "Independent wins Fenwick by-election after recount",
        "paragraphs": [
            "An independent candidate has won the Fenwick county council by-election by 23 votes after a recount "
            "that finished shortly before three in the morning.",
            "Martin Ebbs, a former head teacher who campaigned to reopen the village's minor injuries unit, took 1,106 "
            "votes. The second-placed candidate received 1,083.",
            "Turnout was 29 per cent. The by-election was called after the previous councillor stepped down for "
            "health reasons in March.",
            "Mr Ebbs said he would use his first speech to call for a review of health services in the rural north "
            "of the county, where the nearest emergency department is 30 miles away.",
        ],
    },
    {
        "slug": "defence-contract",
        "template": "related",
        "site": "Coastline Business",
        "author": "Ruth Adeyemi",
        "date": "2025-05-14T10:00:00+00:00",
        "title": "Shipyard wins contract for six patrol vessels securing 900 jobs",
        "paragraphs": [
            "The shipyard at Saltmarsh has won a contract to build six offshore patrol vessels, securing about 900 "
            "jobs for the next seven years, the company announced on Wednesday.",
            "The first steel is due to be cut next spring. The yard will take on 120 apprentices over the course of "
            "the contract, the company said.",
            "Union officials said the order was a lifeline after two years in which the yard relied on repair work, "
            "and called for more naval orders to be placed with domestic yards.",
            "The contract is worth an estimated 1.1 billion pounds. The ministry said the vessels would patrol "
            "fishing grounds and protect undersea cables.",
        ],
    },
]
